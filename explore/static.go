package explore

import (
	"bytes"
	"compress/gzip"
	"embed"
	"html/template"
	"io"
	"net/http"
	"strings"
)

//go:embed assets
var assets embed.FS

// mermaidFile is the vendored Mermaid distribution (assets/vendor/README.md).
const mermaidFile = "assets/vendor/mermaid-12.3.0.min.js.gz"

var pageTemplate = template.Must(template.ParseFS(assets, "assets/index.html"))

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'self'")
	_ = pageTemplate.Execute(w, struct{ Version string }{s.opt.Version})
}

// staticHandler serves app.js, style.css and the vendored Mermaid file,
// compressed when the browser accepts it.
func staticHandler() http.Handler {
	files := map[string]string{
		"/static/app.js":         "assets/app.js",
		"/static/style.css":      "assets/style.css",
		"/static/mermaid.min.js": mermaidFile,
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		b, err := assets.ReadFile(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		switch {
		case strings.HasSuffix(r.URL.Path, ".js"):
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		case strings.HasSuffix(r.URL.Path, ".css"):
			w.Header().Set("Content-Type", "text/css; charset=utf-8")
		}
		w.Header().Set("Cache-Control", "no-cache")
		if strings.HasSuffix(name, ".gz") {
			if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(b)
				return
			}
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				http.Error(w, "explore: bad asset", http.StatusInternalServerError)
				return
			}
			io.Copy(w, zr)
			return
		}
		w.Write(b)
	})
}
