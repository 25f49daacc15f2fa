package ingest
import ("testing";"context";"strings";"fmt")
func TestScratch(t *testing.T) {
	for _, p := range []string{
	`<html><head><title>Talks</title></head><body><article><p>The ministers met on 3 March 2024 in Marova to discuss the river and agreed to meet again soon after the spring floods.</p></article><footer>Copyright 2023 Ledger</footer></body></html>`,
	`<html><head><title>Talks</title></head><body><article><p>The ministers met in Marova to discuss the river and agreed to meet again soon after the spring floods.</p><p>Published 2024-03-05</p></article></body></html>`,
	"---\ntitle: FM title\ndate: 2024-01-01\n---\n<p>Para one is here.</p>\n<p>Para two is here.</p>\n",
	`<p>Short story.</p><p>Second para.</p>`,
	} {
	d, err := Read(context.Background(), "x", strings.NewReader(p), Options{})
	if err != nil { fmt.Println(err); continue }
	fmt.Printf("%q %v %q %q %q\n", d.Title, *sp(d.Published), d.Outlet, d.Format, d.Text)
	}
}
func sp(p *string) *string { if p == nil { s := "<nil>"; return &s }; return p }
