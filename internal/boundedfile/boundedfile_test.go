package boundedfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Repeat("x", n)), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name     string
		size     int
		tooLarge int64 // the TooLarge size wanted, 0 for none
	}{
		{"empty", 0, 0},
		{"at-limit", 10, 0},
		{"over", 11, 11},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Read(write(tc.name, tc.size), 10)
			var tl *TooLarge
			switch {
			case tc.tooLarge == 0 && (err != nil || len(b) != tc.size):
				t.Fatalf("%d bytes, %v; want %d bytes", len(b), err, tc.size)
			case tc.tooLarge != 0 && (!errors.As(err, &tl) || tl.Size != tc.tooLarge || tl.Limit != 10):
				t.Fatalf("%v, want TooLarge of %d bytes", err, tc.tooLarge)
			case tc.tooLarge != 0 && tl.Words() != "11 bytes, over the limit of 10 bytes":
				t.Fatalf("words %q", tl.Words())
			}
		})
	}
	if _, err := Read(filepath.Join(dir, "missing"), 10); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

// TestReadPipe: a file whose size is not known is read to the limit and
// refused there, with Size -1.
func TestReadPipe(t *testing.T) {
	if _, err := os.Stat("/dev/fd/0"); err != nil {
		t.Skip("no /dev/fd here")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		w.Write([]byte(strings.Repeat("y", 100)))
		w.Close()
	}()
	_, err = Read("/dev/fd/"+strconv.Itoa(int(r.Fd())), 10)
	var tl *TooLarge
	if !errors.As(err, &tl) || tl.Size != -1 || tl.Words() != "longer than the limit of 10 bytes" {
		t.Fatalf("%v, want TooLarge with Size -1", err)
	}
}
