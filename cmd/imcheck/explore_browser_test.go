package main

import (
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/imcheck/imcheck/explore"
	"github.com/imcheck/imcheck/model"
)

var screenshots = flag.Bool("screenshots", false, "write the explorer's screenshots to docs/images (TestExploreInBrowser)")

// chromium finds a Chromium the browser test can drive, or "".
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestExploreInBrowser drives the explorer page in headless Chromium, as a
// person would: it opens the page, selects one SIMP and one IMKE attack,
// steps through each, replays it on the code, and breaks a model in the
// editor; it checks what is on screen against the server's own answers.
// It is skipped, with the reason, when no Chromium is installed (.ci/run
// installs Debian's chromium).
func TestExploreInBrowser(t *testing.T) {
	exe := chromium()
	if exe == "" {
		t.Skip("explore browser test skipped: no chromium on this machine (apt-get install chromium; .ci/run does it)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	srv, err := newExplorer(ctx, nil, model.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	var doc struct {
		Models []struct {
			Name      string `json:"name"`
			Scenarios []struct {
				Claims []struct {
					AttackID string `json:"attack_id"`
					Verdict  string `json:"verdict"`
				} `json:"claims"`
			} `json:"scenarios"`
		} `json:"models"`
	}
	getJSON(t, ts.URL+"/api/models", &doc)
	firstAttack := func(name string) string {
		for _, m := range doc.Models {
			if m.Name != name {
				continue
			}
			for _, s := range m.Scenarios {
				for _, c := range s.Claims {
					if c.Verdict == "attack" {
						return c.AttackID
					}
				}
			}
		}
		t.Fatalf("no attack in model %s", name)
		return ""
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1500, 1300))
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	if err := chromedp.Do(bctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(css(`nav li[data-verdict="attack"]`))); err != nil {
		t.Fatalf("the page does not list attacks: %v", err)
	}

	for _, name := range []string{"simp", "imke-c"} {
		id := firstAttack(name)
		t.Run(name, func(t *testing.T) {
			var av struct {
				Steps []struct {
					Kind string `json:"kind"`
					Text string `json:"text"`
				} `json:"steps"`
			}
			getJSON(t, ts.URL+"/api/attack?id="+strings.ReplaceAll(id, "#", "%23"), &av)
			if len(av.Steps) < 3 {
				t.Fatalf("%s: %d steps", id, len(av.Steps))
			}
			err := chromedp.Do(bctx,
				chromedp.Click(css(`nav li[data-id="`+id+`"]`)),
				chromedp.WaitVisible(css(`#diagram svg`)),
				chromedp.Click(css(`#step-next`)),
				chromedp.Click(css(`#step-next`)),
			)
			if err != nil {
				t.Fatal(err)
			}
			title := text(t, bctx, "#claim-title")
			pos := text(t, bctx, "#step-pos")
			shown := text(t, bctx, "#step-text")
			marked, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("#diagram .current-step").length`))
			if err != nil {
				t.Fatal(err)
			}
			if title != id {
				t.Errorf("title %q, want %q", title, id)
			}
			if want := "step 3 of "; !strings.HasPrefix(pos, want) {
				t.Errorf("position %q, want %q...", pos, want)
			}
			if shown != av.Steps[2].Text {
				t.Errorf("step 3 shows %q, the server says %q", shown, av.Steps[2].Text)
			}
			if k := av.Steps[2].Kind; (k == "send" || k == "recv") && marked == 0 {
				t.Errorf("step 3 (%s) is not marked in the diagram", k)
			}
			// replay on the code: the page shows the concretiser's verdict
			want, err := replayOnCode(ctx, replayReq(t, srv, id))
			if err != nil {
				t.Fatal(err)
			}
			err = chromedp.Do(bctx,
				chromedp.SetValue(css(`#replay-variant`), "as-published"),
				chromedp.SetValue(css(`#replay-suite`), "modern"),
				chromedp.Click(css(`#replay-run`)),
				chromedp.WaitVisible(css(`#replay-verdict`)),
			)
			if err == nil {
				_, err = chromedp.Run(bctx, chromedp.Poll[bool](`document.querySelector("#replay-verdict").textContent.length > 0`))
			}
			if err != nil {
				t.Fatal(err)
			}
			verdict := text(t, bctx, "#replay-verdict")
			if !strings.Contains(verdict, want.Verdict) {
				t.Errorf("the page shows %q, the concretiser says %q", verdict, want.Verdict)
			}
			if *screenshots {
				// the attack view at the attacker's first message, with its derivation
				first := 0
				for i, s := range av.Steps {
					if s.Kind == "recv" {
						first = i
						break
					}
				}
				acts := []chromedp.Action[chromedp.Void]{chromedp.Click(css(`#step-first`))}
				for range first {
					acts = append(acts, chromedp.Click(css(`#step-next`)))
				}
				if err := chromedp.Do(bctx, acts...); err != nil {
					t.Fatal(err)
				}
				if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`(() => { document.querySelector("main").scrollTop = 0; return true; })()`)); err != nil {
					t.Fatal(err)
				}
				png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join("..", "..", "docs", "images", "explore-"+name+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}

	t.Run("editor", func(t *testing.T) {
		err := chromedp.Do(bctx,
			chromedp.Click(css(`#tab-source`)),
			chromedp.WaitVisible(css(`#source`)),
		)
		if err == nil {
			_, err = chromedp.Run(bctx, chromedp.Poll[bool](`document.querySelector("#source").value.length > 0`))
		}
		if err == nil {
			_, err = chromedp.Run(bctx, chromedp.Evaluate[bool](`(() => { const ta = document.querySelector("#source"); ta.value = ta.value.replace("role", "rol"); return true; })()`))
		}
		if err == nil {
			err = chromedp.Do(bctx, chromedp.Click(css(`#source-check`)), chromedp.WaitVisible(css(`#source-error`)))
		}
		if err != nil {
			t.Fatal(err)
		}
		errText := text(t, bctx, "#source-error")
		if !regexp.MustCompile(`\.imp:\d+:\d+: `).MatchString(errText) {
			t.Errorf("the editor shows %q, not a file:line:col error", errText)
		}
	})
}

func css(s string) chromedp.CSS { return chromedp.CSS(s) }

// text is the visible text of the element sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
	if err != nil {
		t.Fatalf("%s: %v", sel, err)
	}
	return s
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	r, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// replayReq builds the request the page sends, with the model's report.
func replayReq(t *testing.T, srv *explore.Server, id string) explore.ReplayRequest {
	t.Helper()
	js, err := srv.ModelReport(id)
	if err != nil {
		t.Fatal(err)
	}
	return explore.ReplayRequest{AttackID: id, Variant: "as-published", Suite: "modern", Model: js}
}
