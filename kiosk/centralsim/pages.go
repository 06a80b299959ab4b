package centralsim

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"

	"github.com/motcua/kiosk/kiosk"
)

// The phone pages are plain server-rendered HTML: no scripts, no web fonts,
// no external resources, one small inline style sheet, readable on a 360 px
// wide phone with a slow connection.
const pageLayout = `<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{margin:0;font:18px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a;background:#fff}
header{background:#9b0c1f;color:#fff;padding:12px 16px;border-bottom:4px solid #ffcd00}
header a{color:#fff}
main{padding:16px;max-width:560px;margin:0 auto}
h1{font-size:24px;margin:0 0 12px}
.lang{float:right;font-size:16px}
.code{font-size:32px;font-weight:bold;letter-spacing:4px}
.box{border:2px solid #484848;border-radius:8px;padding:12px;margin:12px 0}
.ok{border-color:#1b5e20;background:#e8f5e9}
.err{border-color:#9b0c1f;background:#fdecee}
button,.button{display:block;width:100%;min-height:48px;margin:12px 0;font-size:20px;border:0;border-radius:8px;background:#9b0c1f;color:#fff;text-align:center;text-decoration:none;line-height:48px}
input,select{font-size:18px;width:100%;min-height:44px;box-sizing:border-box;margin:4px 0 12px}
label,legend{font-weight:bold}
.pick button{background:#fff;color:#1a1a1a;border:2px solid #484848;font-size:32px;font-weight:bold;letter-spacing:4px;min-height:64px;line-height:60px}
.secondary{background:#fff;color:#9b0c1f;border:2px solid #9b0c1f}
.q{margin:0 0 16px}
.hint{margin:0;font-size:16px;color:#484848}
.field-err{margin:4px 0;color:#9b0c1f;font-weight:bold}
fieldset{border:0;padding:0;margin:0}
.choice{display:block;font-weight:normal;min-height:48px;line-height:48px}
.choice input{width:auto;min-height:0;margin:0 12px 0 0;transform:scale(1.5)}
.qr img{display:block;width:240px;height:240px;margin:0 auto;image-rendering:pixelated}
ol,ul{padding-left:20px}
small{color:#484848}
</style>
</head>
<body>
<header><a class="lang" href="{{.OtherLangURL}}">{{if eq .Lang "en"}}Tiếng Việt{{else}}English{{end}}</a><strong>{{t .Lang "Dịch vụ công" "Public services"}}</strong></header>
<main>
<h1>{{.Title}}</h1>
{{template "content" .}}
</main>
</body>
</html>`

var pageFuncs = template.FuncMap{
	// t picks the Vietnamese or English text: {{t .Lang "Xin chào" "Hello"}}.
	"t": func(lang kiosk.Lang, vi, en string) string { return kiosk.Text{VI: vi, EN: en}.In(lang) },
}

// newPage makes a page template from the layout and a content template,
// which defines what goes inside <main> under the title.
func newPage(content string) *template.Template {
	t := template.Must(template.New("layout").Funcs(pageFuncs).Parse(pageLayout))
	// Parse content into the same set, but return the layout: Execute runs
	// the template it is called on, and the layout pulls the content in.
	template.Must(t.New("content").Parse(content))
	return t
}

// pageData is what every page template receives; Data is the page's own.
type pageData struct {
	Lang         kiosk.Lang
	Title        string
	OtherLangURL string
	Data         any
}

// pageLang is the page's language: ?lang=en, otherwise Vietnamese.
func pageLang(r *http.Request) kiosk.Lang {
	if r.URL.Query().Get("lang") == "en" {
		return kiosk.EN
	}
	return kiosk.VI
}

// writePage renders a phone page with headers that keep it private: no
// caching (it may show a name or a dossier), no scripts, no framing.
func writePage(w http.ResponseWriter, r *http.Request, status int, page *template.Template, title kiosk.Text, data any) {
	lang := pageLang(r)
	other := *r.URL
	q := other.Query()
	if lang == kiosk.EN {
		q.Del("lang")
	} else {
		q.Set("lang", "en")
	}
	other.RawQuery = q.Encode()
	var buf bytes.Buffer
	err := page.Execute(&buf, pageData{Lang: lang, Title: title.In(lang), OtherLangURL: (&url.URL{Path: other.Path, RawQuery: other.RawQuery}).String(), Data: data})
	if err != nil {
		http.Error(w, "page error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// messagePage shows a short message, for not-found and expired links.
var messagePage = newPage(`<div class="box err"><p>{{.Data}}</p></div>`)

func writeMessagePage(w http.ResponseWriter, r *http.Request, status int, title, message kiosk.Text) {
	writePage(w, r, status, messagePage, title, message.In(pageLang(r)))
}
