package web

import (
	"encoding/json"
	"testing"
	"time"
)

func TestTheAPIWritesAnInstantNotYetReachedAsNullAndNoItemsAsAnEmptyList(t *testing.T) {
	summer := time.Date(2019, 7, 1, 9, 30, 0, 0, time.FixedZone("BST", 60*60))
	var zero time.Time
	b, err := json.Marshal(struct {
		Unset, Zero, Set *time.Time
		None             []string
	}{TimeOrNull(nil), TimeOrNull(&zero), TimeOrNull(&summer), OrEmpty([]string(nil))})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Unset":null,"Zero":null,"Set":"2019-07-01T08:30:00Z","None":[]}`; string(b) != want {
		t.Fatalf("got %s, want %s", b, want)
	}
}
