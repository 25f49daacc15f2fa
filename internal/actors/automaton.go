package actors

// automaton is an Aho-Corasick automaton over token keys: every dictionary
// name is a sequence of canonical token keys, and one pass over a
// sentence's tokens finds every name in it, whatever the dictionary size.
type automaton struct {
	vocab map[string]int32
	// edges maps (node<<32 | token) to the next node.
	edges map[uint64]int32
	fail  []int32
	// out[node] lists the patterns that end at node (including via fail links).
	out    [][]int32
	depth  []int32
	frozen bool
}

func newAutomaton() *automaton {
	return &automaton{
		vocab: map[string]int32{},
		edges: map[uint64]int32{},
		fail:  []int32{0},
		out:   [][]int32{nil},
		depth: []int32{0},
	}
}

func (a *automaton) tokenID(key string, add bool) int32 {
	if id, ok := a.vocab[key]; ok {
		return id
	}
	if !add {
		return -1
	}
	id := int32(len(a.vocab))
	a.vocab[key] = id
	return id
}

func edgeKey(node, tok int32) uint64 { return uint64(uint32(node))<<32 | uint64(uint32(tok)) }

// add inserts a pattern (a key sequence) with its id.
func (a *automaton) add(keys []string, pattern int32) {
	node := int32(0)
	for _, k := range keys {
		t := a.tokenID(k, true)
		next, ok := a.edges[edgeKey(node, t)]
		if !ok {
			next = int32(len(a.fail))
			a.fail = append(a.fail, 0)
			a.out = append(a.out, nil)
			a.depth = append(a.depth, a.depth[node]+1)
			a.edges[edgeKey(node, t)] = next
		}
		node = next
	}
	a.out[node] = append(a.out[node], pattern)
}

// build computes failure links breadth-first.
func (a *automaton) build() {
	children := make([][][2]int32, len(a.fail))
	for k, child := range a.edges {
		parent := int32(k >> 32)
		tok := int32(uint32(k))
		children[parent] = append(children[parent], [2]int32{tok, child})
	}
	queue := make([]int32, 0, len(a.fail))
	for _, c := range children[0] {
		a.fail[c[1]] = 0
		queue = append(queue, c[1])
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, c := range children[n] {
			tok, child := c[0], c[1]
			f := a.fail[n]
			for {
				if nx, ok := a.edges[edgeKey(f, tok)]; ok && nx != child {
					a.fail[child] = nx
					break
				}
				if f == 0 {
					a.fail[child] = 0
					break
				}
				f = a.fail[f]
			}
			if fo := a.out[a.fail[child]]; len(fo) > 0 {
				a.out[child] = append(append([]int32{}, a.out[child]...), fo...)
			}
			queue = append(queue, child)
		}
	}
	a.frozen = true
}

// match is a pattern found over tokens [Start, End).
type match struct {
	Start, End int
	Pattern    int32
}

// scan runs the automaton over token keys and reports every match.
func (a *automaton) scan(keys []string, fn func(match)) {
	node := int32(0)
	for i, k := range keys {
		t := a.tokenID(k, false)
		if t < 0 {
			node = 0
			continue
		}
		for {
			if nx, ok := a.edges[edgeKey(node, t)]; ok {
				node = nx
				break
			}
			if node == 0 {
				break
			}
			node = a.fail[node]
		}
		for _, p := range a.out[node] {
			// the length of pattern p is the depth of the node where it was added;
			// recover it from the pattern table by the caller.
			fn(match{End: i + 1, Pattern: p})
		}
	}
}
