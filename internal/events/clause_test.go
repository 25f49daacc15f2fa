package events

import (
	"sort"
	"strings"
	"testing"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/actors"
	"github.com/sitrep/sitrep/internal/dates"
	"github.com/sitrep/sitrep/internal/text"
)

// codeSentence runs the reading stages the coder depends on over one
// sentence and returns its events as "SRC>TGT PLOVER" strings, sorted.
func codeSentence(t *testing.T, c *Coder, ad *actors.Dictionary, dr *dates.Resolver, src string) []string {
	t.Helper()
	pub := "2025-06-02"
	x := &sitrep.Extraction{Document: sitrep.Document{Text: src, Published: &pub, PublishedSource: sitrep.PublishedInput}}
	x.Sentences = text.NewSegmenter().Sentences(src)
	anchor, err := dates.Anchor(pub)
	if err != nil {
		t.Fatal(err)
	}
	x.Dates = dr.Find(src, x.Sentences, anchor)
	doc := ad.RecognizeDocument(src, x.Sentences, pub, x.Dates, "")
	var out []string
	for _, e := range c.Code(x, doc) {
		// each event twice: with its PLOVER type and with its CAMEO code
		// and a third time with its modality ("SRC>TGT PLOVER @negated")
		out = append(out, side3(e.Source)+">"+side3(e.Target)+" "+e.PLOVER, side3(e.Source)+">"+side3(e.Target)+" #"+e.CAMEO,
			side3(e.Source)+">"+side3(e.Target)+" "+e.PLOVER+" @"+e.Modality)
	}
	sort.Strings(out)
	return out
}

func side3(a sitrep.Actor) string {
	if a.Country != "" {
		return a.Country
	}
	if len(a.Code) >= 3 {
		return a.Code[:3]
	}
	return "?"
}

// TestClauseMechanisms checks the clause analysis on constructions, not on
// particular sentences of the corpus: each case names the mechanism.
func TestClauseMechanisms(t *testing.T) {
	ds, err := dict.New()
	if err != nil {
		t.Fatal(err)
	}
	ad, err := actors.Load(ds)
	if err != nil {
		t.Fatal(err)
	}
	dr, err := dates.New()
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(ds)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, text string
		want       []string // each must be coded
		not        []string // none of these may be coded
	}{
		{"mediator between the subjects", "Armenia and Azerbaijan agreed to a ceasefire brokered by Russia on Monday.",
			[]string{"ARM>AZE AGREE", "RUS>ARM CONSULT", "RUS>AZE CONSULT"}, []string{"ARM>RUS AGREE", "AZE>RUS AGREE"}},
		{"coordinated predicate shares the subject", "Poland summoned the Belarusian ambassador on Monday and expelled two Russian diplomats.",
			[]string{"POL>RUS SANCTION"}, []string{"BLR>RUS SANCTION"}},
		{"participle clause elaborates the main verb", "Israel launched air strikes on Lebanon on Monday, killing several fighters.",
			[]string{"ISR>LBN ASSAULT"}, []string{"LBN>LBN ASSAULT", "ISR>ISR ASSAULT"}},
		{"passive with the object before the verb", "Air defence systems have been delivered to Ukraine by Germany.",
			[]string{"DEU>UKR AID"}, nil},
		{"noun compound is no verb", "Thai troops shelled Cambodian positions as border clashes escalated on Monday.",
			[]string{"THA>KHM ASSAULT"}, []string{"THA>THA ASSAULT"}},
		{"the two leaders pair up", "Xi met Lula in Brasilia on Monday, and the two leaders signed a trade agreement.",
			[]string{"BRA>CHN AGREE"}, nil},
		{"several subjects of a joint act", "Serbian and Hungarian troops held joint military drills in Slovakia.",
			[]string{"HUN>SRB COOPERATE"}, []string{"SRB>SVK COOPERATE", "HUN>SVK COOPERATE"}},
		{"subject of a clause after a subordinating preposition", "Ukraine recalled its ambassador on Monday after Belarusian troops attacked Ukrainian border guards.",
			[]string{"BLR>UKR ASSAULT"}, nil},
		{"as opens a clause whose subject is a situation", "Israeli jets struck Beirut on Monday as fighting raged in southern Lebanon.",
			[]string{"ISR>LBN ASSAULT"}, []string{"LBN>LBN ASSAULT"}},
		{"a possessive pronoun in the target is not the attacker", "Qatar condemned Iran's drone strike on its territory.",
			[]string{"IRN>QAT ASSAULT"}, []string{"IRN>IRN ASSAULT"}},
		{"object pronoun of a participle whose main verb is no event", "The Ethiopian prime minister wrote to Kenya on Monday, accusing it of harbouring Somali rebels.",
			[]string{"ETH>KEN ACCUSE"}, []string{"ETH>SOM ACCUSE"}},
		{"a plural generic target stands for its coordinated owners", "Canada recalled its diplomats from Iran and Iraq on Monday.",
			[]string{"CAN>IRN SANCTION", "CAN>IRQ SANCTION"}, nil},
		{"an exchange is between its subjects", "Prisoners were swapped by Armenia and Azerbaijan in Georgia on Friday.",
			[]string{"ARM>AZE RETREAT"}, []string{"ARM>GEO RETREAT", "AZE>GEO RETREAT"}},
		{"each other goes both ways", "Sudan and Chad accused each other of arming rebels.",
			[]string{"SDN>TCD ACCUSE", "TCD>SDN ACCUSE"}, nil},
		{"a war as subject is no actor; according to names no target", "Yemen's civil war has displaced four million people, according to the United Nations.",
			nil, []string{"YEM>YEM ASSAULT", "YEM>IGO ASSAULT"}},
		{"coordinated targets with their titles", "Putin hosted Chinese President Xi Jinping and Indian Prime Minister Narendra Modi in Moscow.",
			[]string{"RUS>CHN CONSULT", "RUS>IND CONSULT"}, nil},
		{"coordinated targets with a quantity", "Islamic State fighters killed 12 Iraqi soldiers and scores of Syrians on Monday.",
			[]string{"IMG>IRQ ASSAULT", "IMG>SYR ASSAULT"}, nil},
		{"a meeting in an adverbial phrase takes the main subject", "Macron asked Poland for more support during a visit to Warsaw on Monday.",
			[]string{"FRA>POL CONSULT"}, nil},
		{"the island refers back to the state", "China began military drills near Taiwan on Friday, two days after a visit to the island by Antony Blinken.",
			[]string{"USA>TWN CONSULT"}, nil},
		{"a root-01 blocker holds its words against an overlapping match", "Argentina beat France in a dramatic World Cup clash in Qatar.",
			nil, []string{"FRA>QAT ASSAULT", "ARG>QAT ASSAULT", "ARG>FRA ASSAULT"}},
		{"a noun's own verb matches in the past tense and takes an object", "Canadian troops have left Latvia.",
			[]string{"CAN>LVA RETREAT"}, []string{"CAN>CAN RETREAT"}},
		{"cues before a noun's own verb give its modality", "EU sanctions on Iran could be lifted if the talks succeed.",
			[]string{"IGO>IRN #085"}, []string{"IGO>IRN #163"}},
		{"a trigger at the head of an actor phrase", "Ukrainian drones hit a Russian airbase on Sunday.",
			[]string{"UKR>RUS #195"}, []string{"UKR>RUS #190"}},
		{"a leader's visit is to the place reached", "The Indian prime minister landed in Tokyo on Friday.",
			[]string{"IND>JPN CONSULT"}, nil},
		{"a threat of force takes the place it targets", "Medvedev threatened a nuclear strike on London.",
			[]string{"RUS>GBR THREATEN"}, nil},
		{"reform promised with no target is domestic", "The Thai government promised constitutional reform.",
			[]string{"THA>THA AGREE"}, nil},
		{"an investigation with no target is domestic", "Italian prosecutors are investigating a suspected fraud scheme.",
			[]string{"ITA>ITA ACCUSE"}, nil},
		{"violence by a crowd subject is a riot", "Kenyan police fired tear gas as rioters attacked a police station in Nairobi.",
			[]string{"KEN>KEN #145"}, []string{"KEN>KEN #190"}},
		{"a bare quantity subject is a crowd of the place", "Thousands marched through Tbilisi on Sunday.",
			[]string{"GEO>GEO PROTEST"}, nil},
		{"a dateline's agency is no actor; police take the dateline's country", "KHARTOUM, April 15 (Reuters) - Police fired tear gas at protesters outside the parliament.",
			[]string{"SDN>SDN ASSAULT"}, []string{"GBR>SDN ASSAULT"}},
		{"police before an irregular past verb is the subject", "Police shot dead a protester in Nairobi on Tuesday.",
			[]string{"KEN>KEN ASSAULT"}, nil},
		{"a passive verb placing its subject on alert", "Pakistan's army was placed on high alert after the attack.",
			[]string{"PAK>PAK MOBILIZE"}, nil},
		{"an attack claimed by a group names the attacker", "A suicide bombing at a market in Kabul killed 12 people in an attack claimed by Islamic State.",
			[]string{"IMG>AFG ASSAULT"}, nil},
		{"a participle after an accident has no actor", "A minibus plunged off a cliff in southern Bolivia on Tuesday, killing 17 passengers.",
			nil, []string{"BOL>BOL ASSAULT"}},
		{"a capital a political act aims at is its government", "Pakistan's foreign office lashed out at New Delhi over the dam project.",
			[]string{"PAK>IND ACCUSE"}, nil},
		{"a characterisation keeps the act it characterises", "Jordan called the Israeli shelling of Khan Younis a grave breach of international law.",
			[]string{"JOR>ISR ACCUSE", "ISR>PSE ASSAULT"}, nil},
		{"aid dropped over a place goes to it", "Medical supplies were dropped by Dutch aircraft over Gaza.",
			[]string{"NLD>PSE AID"}, nil},
		{"receiving from a giver is the giver's act", "Niger received armoured vehicles from Turkey.",
			[]string{"TUR>NER AID"}, []string{"NER>TUR AID"}},
		{"a receiver with no giver named is never made the giver", "Niger received armoured vehicles and drones last month.",
			nil, []string{"NER>NER AID", "NER> AID"}},
		{"an adjective is not the verb of a receiving pattern", "Officials say early plans involve equipping the Syrian army with radar systems, secure communications suites and armored vehicles, alongside courses at Turkish academies.",
			nil, []string{"SYR>TUR AID"}},
		{"a vehicle named by its state's adjective is that state", "Algerian aircraft dropped food parcels over Gaza.",
			[]string{"DZA>PSE AID"}, nil},
		{"the agent inside a condemned object is the target", "Moldova denounced the elections organised by Russia in Transnistria.",
			[]string{"MDA>RUS ACCUSE"}, nil},
		{"a hypothetical act has no place to happen in", "Venezuela warned against any incursion by Guyanese troops.",
			[]string{"VEN>GUY THREATEN"}, []string{"GUY>GUY ASSAULT"}},
		{"unnamed attackers take the place's country", "Masked gunmen stormed a radio station in Honduras.",
			[]string{"HND>HND #171"}, nil},
		{"a body with no country acts on the country where it investigates", "The International Criminal Court launched an investigation into atrocities in Libya.",
			[]string{"IGO>LBY ACCUSE"}, nil},
		{"the body whose meeting is the occasion is no party", "Saudi and Iranian ministers met on the sidelines of the UN General Assembly.",
			[]string{"SAU>IRN CONSULT"}, []string{"SAU>IGO CONSULT", "IRN>IGO CONSULT"}},
		{"an exercise held by two states together is cooperation", "Egyptian and Greek warships conducted the Medusa exercise in the Mediterranean.",
			[]string{"EGY>GRC #062"}, []string{"EGY>GRC MOBILIZE"}},
		{"agreeing to a specific act gives that act only", "Azerbaijan agreed to supply natural gas to Italy.",
			[]string{"AZE>ITA AGREE"}, []string{"AZE>ITA #030"}},
		{"a crowd in the streets of a capital is of its country", "Demonstrators took to the streets of Lima.",
			[]string{"PER>PER PROTEST"}, nil},
		{"a crowd in places named by a demonym is of that country", "Rioters burned buses in Chilean cities.",
			[]string{"CHL>CHL PROTEST"}, nil},
		{"an armed group fights where the forces it meets belong", "Gunmen ambushed a Malian army convoy in the desert.",
			[]string{"MLI>MLI ASSAULT"}, nil},
		{"an economic act puts money in a country, its recipient", "Japan invested heavily in Vietnam last year.",
			[]string{"JPN>VNM COOPERATE"}, nil},
		{"a capital after a noun asked from it is its government", "Iran demanded guarantees from Paris on Monday.",
			[]string{"IRN>FRA REQUEST"}, nil},
		{"the holder inside a demanded release is its target", "Hezbollah demanded the release of prisoners held by Israel.",
			[]string{"LBN>ISR REQUEST"}, nil},
		{"the holder releases the people it holds", "Hostages held by Hamas were released on Monday.",
			[]string{"PSE>PSE RETREAT"}, nil},
		{"a sentence on an unnamed defendant is domestic", "A Turkish court sentenced a journalist to ten years.",
			[]string{"TUR>TUR ACCUSE"}, nil},
		{"a past form right after a plural noun describes it", "Soldiers captured in Bukavu were shown to reporters by M23 rebels.",
			nil, []string{"COD>COD ASSAULT"}},
		// modality
		{"a negation stays in its clause: a coordinated verb is outside it", "Peru denied shelling Bolivia and blamed Chilean gunners for the damage.",
			[]string{"PER>BOL ASSAULT @negated", "PER>CHL ACCUSE @asserted"}, []string{"PER>CHL ACCUSE @negated"}},
		{"a negation does not reach an owned act after a preposition", "Egypt did not take part in Sudan's offensive on El Fasher.",
			[]string{"SDN>SDN ASSAULT @asserted"}, []string{"SDN>SDN ASSAULT @negated"}},
		{"a negation does not reach past a subordinator, and a name is no cue", "Kenya did not send a delegation to the talks with the United States after Ethiopia's strikes on Somalia.",
			[]string{"ETH>SOM ASSAULT @asserted"}, []string{"ETH>SOM ASSAULT @negated", "ETH>SOM ASSAULT @reported"}},
		{"no inside a hyphenated word is no negation", "Moldova requested a no-fly zone, accusing Russia of aggression.",
			[]string{"MDA>RUS ACCUSE @asserted"}, []string{"MDA>RUS ACCUSE @negated"}},
		{"the announcer closing the sentence is not the target", "Houthi fighters attacked a tanker off the coast, the British navy said.",
			nil, []string{"YEM>GBR ASSAULT"}},
		{"an attack in waters of no country is not domestic", "Houthi fighters fired two missiles at a container ship in the Red Sea on Sunday.",
			nil, []string{"YEM>YEM ASSAULT", "YEM>EGY ASSAULT", "YEM>SDN ASSAULT"}},
		{"the longest cue wins: not ruling out is a possibility, not a denial", "Germany did not rule out sending troops to Ukraine.",
			[]string{"DEU>UKR AID @hypothetical"}, []string{"DEU>UKR AID @negated"}},
		{"a possibility stated after the act makes it hypothetical", "Polish officials said deploying Polish soldiers to Ukraine could not be ruled out.",
			[]string{"POL>UKR AID @hypothetical"}, []string{"POL>UKR AID @asserted"}},
		{"a verb with no before its object is negated", "Armenia made no commitment to hold talks with Azerbaijan.",
			[]string{"ARM>AZE AGREE @negated"}, []string{"ARM>AZE AGREE @asserted"}},
		{"an attribution after the act by uncodable announcers reports it", "Syrian troops shelled Idlib on Monday, witnesses said.",
			[]string{"SYR>SYR ASSAULT @reported"}, []string{"SYR>SYR ASSAULT @asserted"}},
		{"an attribution after the act by a third country reports it", "Iran sent drones to Russia, British officials said.",
			[]string{"IRN>RUS MOBILIZE @reported"}, []string{"IRN>RUS MOBILIZE @asserted"}},
		{"state media are never a party", "Iranian state media said Israel struck Tehran.",
			[]string{"ISR>IRN ASSAULT @reported"}, []string{"ISR>IRN ASSAULT @asserted"}},
		{"a commitment made is asserted", "Mexico agreed to deploy 10,000 soldiers to its border with the United States.",
			[]string{"MEX>USA MOBILIZE @asserted"}, []string{"MEX>USA MOBILIZE @planned"}},
		{"a pattern that starts with a plan is planned", "Germany plans to station troops in Lithuania.",
			[]string{"DEU>LTU AGREE @planned"}, []string{"DEU>LTU AGREE @asserted"}},
		{"an act quantified by any is hypothetical", "Any Russian attack on Latvia would be met with force.",
			[]string{"RUS>LVA ASSAULT @hypothetical"}, []string{"RUS>LVA ASSAULT @asserted"}},
	}
	for _, tc := range cases {
		got := codeSentence(t, c, ad, dr, tc.text)
		t.Logf("%s: %v", tc.name, got)
		has := func(w string) bool {
			a, b, _ := strings.Cut(w, ">")
			tgt, typ, _ := strings.Cut(b, " ")
			for _, g := range got {
				if g == w || (twoSided[typ] && g == tgt+">"+a+" "+typ) {
					return true
				}
			}
			return false
		}
		for _, w := range tc.want {
			if !has(w) {
				t.Errorf("%s: %q: want %s, got %v", tc.name, tc.text, w, got)
			}
		}
		for _, w := range tc.not {
			if has(w) {
				t.Errorf("%s: %q: did not want %s, got %v", tc.name, tc.text, w, got)
			}
		}
	}
}
