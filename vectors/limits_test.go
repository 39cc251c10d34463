package vectors

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostileFile is a reproducer of docs/limits.md, "Vector files":
// generated here, never committed.
type hostileFile struct {
	name      string
	data      func() []byte
	line, col int
	reason    string
	maxAlloc  uint64 // bytes allocated in all by Validate
}

func hostileFiles(short bool) []hostileFile {
	deep := 40000 // the 80 KB file that once took 1.66 GB
	if !short {
		deep = 1 << 20 // the 2 MB file that once took 17.6 GB
	}
	const head = `{"schema": "session_test_schema.json", "testGroups": [`
	return []hostileFile{
		{fmt.Sprintf("%d nested arrays", deep), func() []byte {
			return []byte(strings.Repeat("[", deep) + strings.Repeat("]", deep))
		}, 1, MaxDepth + 1, "nested deeper than", 1 << 20},
		{"nested objects", func() []byte {
			return []byte(strings.Repeat(`{"a":`, deep) + "1" + strings.Repeat("}", deep))
		}, 1, 5*MaxDepth + 1, "nested deeper than", 1 << 20},
		{"nested on many lines", func() []byte {
			return []byte(`{"schema": "session_test_schema.json",` + "\n" + `"x":` + strings.Repeat("[\n", deep))
		}, 2 + MaxDepth - 1, 1, "nested deeper than", 1 << 20},
		{"too many values", func() []byte {
			return []byte("[" + strings.Repeat("0,", MaxValues) + "0]")
		}, 1, 2 * MaxValues, "more than", 64 << 20},
		{"over the size limit", func() []byte {
			return []byte(`{"s": "` + strings.Repeat("a", MaxFileSize) + `"}`)
		}, 1, 1, "over the limit", 1 << 20},
		{"duplicate key deep down", func() []byte {
			return []byte(strings.Repeat(`{"a":`, MaxDepth-1) + `{"b":1,` + "\n" + `"b":2}` + strings.Repeat("}", MaxDepth-1))
		}, 2, 1, `duplicate key "b"`, 1 << 20},
		// Within the walk's limits: the schema validator gets them.
		{"one string of almost the size limit", func() []byte {
			return []byte(head[:len(head)-len(`"testGroups": [`)] + `"x": "` + strings.Repeat("a", MaxFileSize-64) + `"}`)
		}, 1, 1, "missing properties", 512 << 20},
		{"as many groups as the limits allow", func() []byte {
			n := MaxValues/3 - 10
			return []byte(head + strings.Repeat(`{"a": 0},`, n) + `{"a": 0}]}`)
		}, 1, len(head) + 1, "missing properties", 1 << 30},
	}
}

// TestHostileVectorFiles feeds each reproducer to Validate: each must be
// refused with a *FileError naming a line and column, with a heap that
// never grows past 256 MiB, within a minute (a hang detector, not a speed
// target: BenchmarkValidateHostile measures the speed).
func TestHostileVectorFiles(t *testing.T) {
	for _, c := range hostileFiles(testing.Short()) {
		t.Run(c.name, func(t *testing.T) {
			data := c.data()
			timer := time.AfterFunc(time.Minute, func() { panic(c.name + ": Validate still running after a minute") })
			defer timer.Stop()
			var err error
			peak, total := measureHeap(func() { _, err = Validate("hostile.json", data) })
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Validate = %v, want a *FileError", err)
			}
			t.Logf("%d bytes: %.200v; heap peak %d MiB, allocated %d bytes", len(data), err, peak>>20, total)
			if fe.Line != c.line || fe.Col != c.col || !strings.Contains(fe.Reason, c.reason) {
				t.Errorf("got %.300v; want line %d col %d and %q", err, c.line, c.col, c.reason)
			}
			if total > c.maxAlloc {
				t.Errorf("Validate allocated %d bytes on a %d-byte file, want at most %d", total, len(data), c.maxAlloc)
			}
			if peak > 256<<20 {
				t.Errorf("heap peaked at %d MiB on a %d-byte file, want under 256 MiB", peak>>20, len(data))
			}
		})
	}
}

// measureHeap runs f and returns the highest heap in use seen while it ran
// (sampled every few milliseconds) and the bytes it allocated in all.
func measureHeap(f func()) (peak, total uint64) {
	var before, m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var s runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				runtime.ReadMemStats(&s)
				peak = max(peak, s.HeapInuse)
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	runtime.ReadMemStats(&m)
	return max(peak, m.HeapInuse), m.TotalAlloc - before.TotalAlloc
}

// TestShippedFilesWithinLimits keeps a margin between the shipped files
// and the limits.
func TestShippedFilesWithinLimits(t *testing.T) {
	for name, data := range shippedForTest(t) {
		depth, values := 0, 0
		if err := walkJSON(data, func(stack []frame, _ int64) bool {
			depth, values = max(depth, len(stack)+1), values+1
			return true
		}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(data) > MaxFileSize/4 || depth > MaxDepth/2 || values > MaxValues/4 {
			t.Errorf("%s: %d bytes, depth %d, %d values: too near the limits (%d, %d, %d)", name, len(data), depth, values, MaxFileSize, MaxDepth, MaxValues)
		}
	}
}

func TestLineCol(t *testing.T) {
	data := []byte("ab\ncd\n\nef")
	for _, c := range []struct {
		off       int64
		line, col int
	}{{0, 1, 1}, {1, 1, 2}, {3, 2, 1}, {4, 2, 2}, {6, 3, 1}, {7, 4, 1}, {9, 4, 3}, {-1, 0, 0}, {10, 0, 0}} {
		if l, col := lineCol(data, c.off); l != c.line || col != c.col {
			t.Errorf("lineCol(%d) = %d:%d, want %d:%d", c.off, l, col, c.line, c.col)
		}
	}
}

func TestLocate(t *testing.T) {
	data := []byte(`{"a": [1, {"b~/c": "x"}], "d": true}`)
	for _, c := range []struct {
		path []string
		want int64
	}{
		{nil, 0}, {[]string{"a"}, 6}, {[]string{"a", "0"}, 7}, {[]string{"a", "1", "b~/c"}, 19},
		{[]string{"d"}, 31}, {[]string{"e"}, -1}, {[]string{"a", "2"}, -1},
	} {
		if got := locate(data, c.path); got != c.want {
			t.Errorf("locate(%q) = %d, want %d", c.path, got, c.want)
		}
	}
}

func BenchmarkValidateHostile(b *testing.B) {
	for _, c := range hostileFiles(false) {
		data := c.data()
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				Validate("hostile.json", data)
			}
		})
	}
}

func shippedForTest(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(generators()) {
		t.Fatalf("%d shipped files, want %d", len(files), len(generators()))
	}
	m := map[string][]byte{}
	for _, f := range files {
		m[f.Name] = f.Data
	}
	return m
}
