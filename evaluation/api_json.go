package evaluation

import (
	"strconv"
	"time"

	"golive/web"
)

// The results answer is written by hand rather than by encoding/json's reflection: it is read
// on every results page, and for a large lot (8 bidders, 60 questions) it is hundreds of
// objects, where the reflective encoder cost about a fifth of the request. The bytes are
// those c.JSON writes (api_json_test.go compares them, for random and awkward values).

// AppendJSON appends the ranking as encoding/json writes it.
func (r *ResultsJSON) AppendJSON(b []byte) []byte {
	b = appendResultsHead(b, r.LotID, r.PriceFormula)
	if r.Results == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Results {
			if i > 0 {
				b = append(b, ',')
			}
			b = r.Results[i].AppendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendResultsHead appends a ranking's object up to its results.
func appendResultsHead(b []byte, lotID string, formula PriceFormula) []byte {
	b = append(b, `{"lot_id":`...)
	b = web.AppendJSONString(b, lotID)
	b = append(b, `,"price_formula":`...)
	b = web.AppendJSONString(b, string(formula))
	return append(b, `,"results":`...)
}

// resultsAnswer is the results API's answer: the ResultsJSON of a ranking (resultsJSON), its
// bytes written without building it. One bid's ResultJSON at a time is made in lists kept for
// the next, and its display strings (every weighted score, the sections', quality, price
// score and total) are parts of one string: a large lot's ranking is hundreds of question
// scores, and building the whole answer first allocated about as much as computing it.
type resultsAnswer struct{ v *ResultsView }

func (a resultsAnswer) AppendJSON(b []byte) []byte {
	v := a.v
	b = appendResultsHead(b, v.Lot.ID, v.Formula)
	b = append(b, '[')
	// Sized for the largest bid; never nil, so that an empty list is [] as make wrote it.
	nSecs, nQs := 0, 0
	for _, r := range v.Results {
		n := 0
		for _, s := range r.Sections {
			n += len(s.Questions)
		}
		nSecs, nQs = max(nSecs, len(r.Sections)), max(nQs, n)
	}
	var (
		rj    ResultJSON
		secs  = make([]SectionScoreJSON, 0, nSecs)
		qs    = make([]QuestionScoreJSON, 0, nQs)
		text  = make([]byte, 0, 8*(nQs+nSecs+3)) // the display strings of one bid
		marks = make([]int, 0, nQs+nSecs+3)      // where each ends in text
	)
	for i := range v.Results {
		r := &v.Results[i]
		if i > 0 {
			b = append(b, ',')
		}
		text, marks = text[:0], marks[:0]
		end := func() { marks = append(marks, len(text)) }
		for _, s := range r.Sections {
			for _, q := range s.Questions {
				text = q.appendPercent(text)
				end()
			}
			text = appendPercent(text, s.Score)
			end()
		}
		text = appendPercent(text, r.Quality)
		end()
		text = appendPercent(text, r.PriceScore)
		end()
		text = appendPercent(text, r.Total)
		end()
		all, at := string(text), 0
		next := func() string {
			s := all[:marks[at]]
			if at > 0 {
				s = all[marks[at-1]:marks[at]]
			}
			at++
			return s
		}

		secs, qs = secs[:0], qs[:0]
		for _, s := range r.Sections {
			from := len(qs)
			for _, q := range s.Questions {
				qs = append(qs, QuestionScoreJSON{QuestionID: q.QuestionID, Number: q.Number, Consensus: q.Consensus,
					MaxScore: q.MaxScore, WeightBP: q.WeightBP, Weighted: next()})
			}
			secs = append(secs, SectionScoreJSON{SectionID: s.SectionID, Title: s.Title, WeightBP: s.WeightBP, Score: next(),
				Questions: qs[from:len(qs):len(qs)]})
		}
		rj = ResultJSON{BidderOrgID: r.Bidder, Name: v.Names[r.Bidder], PricePence: r.PricePence, Sections: secs,
			Excluded: r.Excluded, Reasons: web.OrEmpty(r.Reasons), Rank: r.Rank}
		rj.Quality, rj.PriceScore, rj.Total = next(), next(), next()
		b = rj.AppendJSON(b)
	}
	return append(b, "]}"...)
}

// AppendJSON appends one bid's evaluation as encoding/json writes it (price_score, total and
// rank left out when empty: omitempty).
func (r *ResultJSON) AppendJSON(b []byte) []byte {
	b = append(b, `{"bidder_org_id":`...)
	b = web.AppendJSONString(b, r.BidderOrgID)
	b = append(b, `,"name":`...)
	b = web.AppendJSONString(b, r.Name)
	b = append(b, `,"price_pence":`...)
	b = strconv.AppendInt(b, r.PricePence, 10)
	b = append(b, `,"sections":`...)
	if r.Sections == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Sections {
			if i > 0 {
				b = append(b, ',')
			}
			b = r.Sections[i].AppendJSON(b)
		}
		b = append(b, ']')
	}
	b = append(b, `,"quality":`...)
	b = web.AppendJSONString(b, r.Quality)
	if r.PriceScore != "" {
		b = append(b, `,"price_score":`...)
		b = web.AppendJSONString(b, r.PriceScore)
	}
	if r.Total != "" {
		b = append(b, `,"total":`...)
		b = web.AppendJSONString(b, r.Total)
	}
	b = append(b, `,"excluded":`...)
	b = strconv.AppendBool(b, r.Excluded)
	b = append(b, `,"reasons":`...)
	b = web.AppendJSONStrings(b, r.Reasons)
	if r.Rank != 0 {
		b = append(b, `,"rank":`...)
		b = strconv.AppendInt(b, int64(r.Rank), 10)
	}
	return append(b, '}')
}

// AppendJSON appends one section's score as encoding/json writes it.
func (s *SectionScoreJSON) AppendJSON(b []byte) []byte {
	b = append(b, `{"section_id":`...)
	b = web.AppendJSONString(b, s.SectionID)
	b = append(b, `,"title":`...)
	b = web.AppendJSONString(b, s.Title)
	b = append(b, `,"weight_bp":`...)
	b = strconv.AppendInt(b, int64(s.WeightBP), 10)
	b = append(b, `,"score":`...)
	b = web.AppendJSONString(b, s.Score)
	b = append(b, `,"questions":`...)
	if s.Questions == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range s.Questions {
			if i > 0 {
				b = append(b, ',')
			}
			b = s.Questions[i].AppendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// AppendJSON appends one question's weighted score as encoding/json writes it.
func (q *QuestionScoreJSON) AppendJSON(b []byte) []byte {
	b = append(b, `{"question_id":`...)
	b = web.AppendJSONString(b, q.QuestionID)
	b = append(b, `,"number":`...)
	b = web.AppendJSONString(b, q.Number)
	b = append(b, `,"consensus":`...)
	b = strconv.AppendInt(b, int64(q.Consensus), 10)
	b = append(b, `,"max_score":`...)
	b = strconv.AppendInt(b, int64(q.MaxScore), 10)
	b = append(b, `,"weight_bp":`...)
	b = strconv.AppendInt(b, int64(q.WeightBP), 10)
	b = append(b, `,"weighted":`...)
	b = web.AppendJSONString(b, q.Weighted)
	return append(b, '}')
}

// The moderation answer is written by hand for the same reason: a moderation meeting reloads it
// question after question, and encoding/json's reflection over a question's marks was about a
// twentieth of the request. api_encode_test.go compares its bytes with c.JSON's.

// AppendJSON appends the moderation of a question as encoding/json writes it. Its times must be
// within what encoding/json writes (encodable); the handler leaves any other to encoding/json,
// for its error.
func (v *ModerationJSON) AppendJSON(b []byte) []byte {
	q := &v.Question
	b = append(b, `{"question":{"id":`...)
	b = web.AppendJSONString(b, q.ID)
	b = append(b, `,"number":`...)
	b = web.AppendJSONString(b, q.Number)
	b = append(b, `,"text":`...)
	b = web.AppendJSONString(b, q.Text)
	b = append(b, `,"guidance":`...)
	b = web.AppendJSONString(b, q.Guidance)
	b = append(b, `,"kind":`...)
	b = web.AppendJSONString(b, string(q.Kind))
	b = append(b, `,"max_score":`...)
	b = strconv.AppendInt(b, int64(q.MaxScore), 10)
	b = append(b, `,"min_score":`...)
	b = strconv.AppendInt(b, int64(q.MinScore), 10)
	b = append(b, `,"word_limit":`...)
	b = strconv.AppendInt(b, int64(q.WordLimit), 10)
	b = append(b, `},"bids":`...)
	if v.Bids == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range v.Bids {
			if i > 0 {
				b = append(b, ',')
			}
			b = v.Bids[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func (bid *ModeratedBidJSON) appendJSON(b []byte) []byte {
	b = append(b, `{"org_id":`...)
	b = web.AppendJSONString(b, bid.OrgID)
	b = append(b, `,"name":`...)
	b = web.AppendJSONString(b, bid.Name)
	b = append(b, `,"marks":`...)
	if bid.Marks == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range bid.Marks {
			m := &bid.Marks[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"user_id":`...)
			b = web.AppendJSONString(b, m.UserID)
			b = append(b, `,"evaluator":`...)
			b = web.AppendJSONString(b, m.Evaluator)
			b = append(b, ',')
			b = appendScoreAndPassed(b, m.Score, m.Passed)
			b = append(b, `,"rationale":`...)
			b = web.AppendJSONString(b, m.Rationale)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"spread":`...)
	b = strconv.AppendInt(b, int64(bid.Spread), 10)
	b = append(b, `,"wide":`...)
	b = strconv.AppendBool(b, bid.Wide)
	b = append(b, `,"consensus":`...)
	if c := bid.Consensus; c == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '{')
		b = appendScoreAndPassed(b, c.Score, c.Passed)
		b = append(b, `,"rationale":`...)
		b = web.AppendJSONString(b, c.Rationale)
		b = append(b, `,"recorded_by":`...)
		b = web.AppendJSONString(b, c.RecordedBy)
		b = append(b, `,"recorded_at":"`...)
		b = c.RecordedAt.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `"}`...)
	}
	return append(b, '}')
}

// appendScoreAndPassed appends "score" and "passed", each null when nil.
func appendScoreAndPassed(b []byte, score *int, passed *bool) []byte {
	b = append(b, `"score":`...)
	if score == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(*score), 10)
	}
	b = append(b, `,"passed":`...)
	if passed == nil {
		return append(b, "null"...)
	}
	return strconv.AppendBool(b, *passed)
}

// encodable reports whether encoding/json writes every time of v: a time's year must have four
// digits and its zone be less than a day from UTC (time.Time.MarshalJSON).
func (v *ModerationJSON) encodable() bool {
	for i := range v.Bids {
		if c := v.Bids[i].Consensus; c != nil {
			if _, err := c.RecordedAt.MarshalJSON(); err != nil {
				return false
			}
		}
	}
	return true
}
