package boundedfile

import (
	"fmt"
	"io"
	"os"
)

// TooLarge is a file refused for its size.
type TooLarge struct {
	Limit int64
	// Size is the file's size when it was refused unread (a regular
	// file), or -1 when it passed the limit as it was read (a pipe, a
	// device, a file that grew).
	Size int64
}

func (e *TooLarge) Error() string { return "boundedfile: the file is " + e.Words() }

// Words says how large the file is, for the caller's own message: "N
// bytes, over the limit of L bytes", or "longer than the limit of L
// bytes" when its size is not known.
func (e *TooLarge) Words() string {
	if e.Size < 0 {
		return fmt.Sprintf("longer than the limit of %d bytes", e.Limit)
	}
	return fmt.Sprintf("%d bytes, over the limit of %d bytes", e.Size, e.Limit)
}

// Read returns the contents of the file name, reading at most limit+1
// bytes. A file over limit gives a *TooLarge; opening and reading errors
// are returned as the os package gives them.
func Read(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > limit {
		return nil, &TooLarge{Limit: limit, Size: st.Size()}
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &TooLarge{Limit: limit, Size: -1}
	}
	return b, nil
}
