package ingest
import ("testing";"context";"strings";"fmt";"time")
func TestScratch(t *testing.T) {
	para := "<p>The ministers of three states met in Marova on Wednesday to discuss the river and agreed to share data.</p>\n"
	md := "## Heading\n\nThe **ministers** of three states met in [Marova](http://x) on _Wednesday_ to discuss the river.\n- item one\n"
	txt := "The ministers of three states met in Marova on Wednesday to discuss the river and agreed to share data.\n"
	for _, c := range []struct{n, s string}{{"x.html", "<html><body><article>" + strings.Repeat(para, 50000) + "</article></body></html>"}, {"x.md", strings.Repeat(md, 80000)}, {"x.txt", strings.Repeat(txt, 90000)}} {
	st := time.Now()
	d, err := Read(context.Background(), c.n, strings.NewReader(c.s), Options{})
	if err != nil { fmt.Println(err); continue }
	fmt.Printf("%s %d %v %d\n", c.n, len(c.s), time.Since(st), len(d.Text))
	}
}
