package mobilisation

import (
	"strconv"
	"strings"
	"time"
)

// textBuf makes many short strings in one buffer. The plan page of a large plan needs a few
// thousand (shortened labels, link names, diamonds, days, hrefs), and one allocation each was
// most of the page's garbage (BenchmarkPlanPage300). A string it returns is a slice of the
// buffer, which is only ever appended to, so the string never changes; when the buffer grows,
// the strings made before keep the old one alive. A nil *textBuf allocates each string on its
// own, so the same code serves a page that makes only a few.
type textBuf struct{ b strings.Builder }

// newTextBuf starts a buffer with room for about size bytes.
func newTextBuf(size int) *textBuf {
	t := &textBuf{}
	t.b.Grow(size)
	return t
}

// cat is the parts joined.
func (t *textBuf) cat(parts ...string) string {
	if t == nil {
		return strings.Join(parts, "")
	}
	at := t.b.Len()
	for _, p := range parts {
		t.b.WriteString(p)
	}
	return t.b.String()[at:]
}

// bytes is b as a string.
func (t *textBuf) bytes(b []byte) string {
	if t == nil {
		return string(b)
	}
	at := t.b.Len()
	t.b.Write(b)
	return t.b.String()[at:]
}

// day is dayText: a UK calendar day as people read it, "1 April 2019".
func (t *textBuf) day(d string) string {
	var b [32]byte
	if y, m, day, ok := dayParts(d); ok && y >= 1000 { // as Format writes it, without its generality
		out := strconv.AppendInt(b[:0], int64(day), 10)
		out = append(append(append(out, ' '), m.String()...), ' ')
		return t.bytes(strconv.AppendInt(out, int64(y), 10))
	}
	day, err := time.Parse(dayFormat, d)
	if err != nil {
		return d
	}
	return t.bytes(day.AppendFormat(b[:0], "2 January 2006"))
}

// days is daysText followed by suffix: "1 day late", "12 days late".
func (t *textBuf) days(n int, suffix string) string {
	var b [48]byte
	out := strconv.AppendInt(b[:0], int64(n), 10)
	if n == 1 {
		out = append(out, " day"...)
	} else {
		out = append(out, " days"...)
	}
	return t.bytes(append(out, suffix...))
}
