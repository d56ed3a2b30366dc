// Command tiles audits a running `ledger serve` with golang.org/x/mod/sumdb/tlog, an
// implementation independent of ours: it fetches /checkpoint, verifies the signed note with
// golang.org/x/mod/sumdb/note, then reads C2SP tlog-tiles hash tiles through tlog's
// TileHashReader (which checks every tile against the checkpoint's root) and proves each
// record's inclusion with ProveRecord/CheckRecord, hashing the record bytes from the entry
// bundles itself.
//
// Usage: tiles BASE-URL VKEY ORIGIN READER-TOKEN SEQ...
// Prints "OK size=N" and one "INCLUDED seq" line per record, or "FAIL reason" and exits 1.
package main

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var base, token string

func get(path string, auth bool) ([]byte, error) {
	req, err := http.NewRequest("GET", base+path, nil)
	if err != nil {
		return nil, err
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %d %s", path, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	return b, nil
}

// c2spPath maps x/mod's tile path (tile/H/L/N[.p/W], with the height) to C2SP tlog-tiles
// (tile/L/N[.p/W]; entries at tile/entries/N), whose height is always 8.
func c2spPath(t tlog.Tile) string {
	p := t.Path()
	if t.L == -1 {
		return strings.Replace(p, "tile/8/data/", "tile/entries/", 1)
	}
	return strings.Replace(p, "tile/8/", "tile/", 1)
}

type reader struct{ fetched int }

func (r *reader) Height() int { return 8 }

func (r *reader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		b, err := get("/"+c2spPath(t), false)
		if err != nil {
			return nil, err
		}
		r.fetched++
		out[i] = b
	}
	return out, nil
}

func (r *reader) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

func fail(f string, a ...interface{}) {
	fmt.Printf("FAIL "+f+"\n", a...)
	os.Exit(1)
}

// entry returns record seq's bytes from its entry bundle: uint16 big-endian length + data.
func entry(seq int64, size int64) []byte {
	n := seq / 256
	w := size - n*256
	t := tlog.Tile{H: 8, L: -1, N: n, W: 256}
	if w < 256 {
		t.W = int(w)
	}
	b, err := get("/"+c2spPath(t), true)
	if err != nil {
		fail("%v", err)
	}
	for i := int64(0); len(b) > 0; i++ {
		if len(b) < 2 {
			fail("truncated entry bundle")
		}
		l := int(b[0])<<8 | int(b[1])
		if len(b) < 2+l {
			fail("truncated entry in bundle")
		}
		if i == seq%256 {
			return b[2 : 2+l]
		}
		b = b[2+l:]
	}
	fail("entry %d not in its bundle", seq)
	return nil
}

func main() {
	if len(os.Args) < 5 {
		fail("usage: tiles BASE-URL VKEY ORIGIN READER-TOKEN SEQ...")
	}
	base, token = os.Args[1], os.Args[4]
	v, err := note.NewVerifier(os.Args[2])
	if err != nil {
		fail("verifier key: %v", err)
	}
	msg, err := get("/checkpoint", false)
	if err != nil {
		fail("%v", err)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		fail("checkpoint: %v", err)
	}
	// C2SP tlog-checkpoint body: origin, tree size, base64 root hash, then extension lines.
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 || lines[0] != os.Args[3] {
		fail("checkpoint body does not start with origin %q", os.Args[3])
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("checkpoint size: %v", err)
	}
	rh, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(rh) != tlog.HashSize {
		fail("checkpoint root hash")
	}
	var root tlog.Hash
	copy(root[:], rh)
	tree := tlog.Tree{N: size, Hash: root}
	r := &reader{}
	hr := tlog.TileHashReader(tree, r)
	// The tree hash recomputed from tiles alone must be the signed root.
	th, err := tlog.TreeHash(size, hr)
	if err != nil {
		fail("tree hash from tiles: %v", err)
	}
	if th != root {
		fail("tree hash from tiles %v != checkpoint root %v", th, root)
	}
	fmt.Printf("OK size=%d\n", size)
	for _, a := range os.Args[5:] {
		seq, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			fail("seq %q", a)
		}
		proof, err := tlog.ProveRecord(size, seq, hr)
		if err != nil {
			fail("prove record %d: %v", seq, err)
		}
		leaf := tlog.RecordHash(entry(seq, size))
		if err := tlog.CheckRecord(proof, size, root, seq, leaf); err != nil {
			fail("record %d: %v", seq, err)
		}
		fmt.Printf("INCLUDED %d\n", seq)
	}
}
