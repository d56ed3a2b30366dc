// Command interop is the Go side of GoInteropTest: it runs the reference implementations in
// golang.org/x/mod (sumdb/note, later sumdb/tlog) on files the Java tests write, so that both
// sides check each other.
//
// Usage:
//
//	interop note-verify <vkeys-file> <note-file>
//	    note.Open with the verifier keys in vkeys-file (one per line); prints
//	    "OK <name>+<hash>..." for the verified signatures, or "FAIL <error>" (exit 1).
//	interop note-sign <name> <seed-hex|random> <text-file>
//	    note.GenerateKey from the 32-byte seed (or crypto/rand), then note.Sign over the text;
//	    prints the vkey on the first line, then the signed note.
//	interop note-cosign <name> <seed-hex> <vkeys-file> <note-file>
//	    note.Open with vkeys-file, then adds a signature by the generated key with note.Sign;
//	    prints the vkey on the first line, then the cosigned note.
//
//	interop tlog-root <records-file>
//	    tlog.StoredHashes over each record (one base64 record per line, in order), then
//	    tlog.TreeHash; prints the base64 root of the RFC 6962/9162 tree.
//	interop tlog-inclusion <index> <size> <leaf-b64> <root-b64> [proof-b64...]
//	    tlog.CheckRecord; prints "OK" or "FAIL <error>" (exit 1).
//	interop tlog-consistency <old-size> <old-root-b64> <new-size> <new-root-b64> [proof-b64...]
//	    tlog.CheckTree; prints "OK" or "FAIL <error>" (exit 1).
//
// Exit status: 0 success, 1 verification failure, 2 usage or I/O error.
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// errVerify marks failures of the checked data, as opposed to usage or I/O problems.
type errVerify struct{ err error }

func (e errVerify) Error() string { return e.err.Error() }

var commands = map[string]func(args []string) error{
	"note-verify": noteVerify,
	"note-sign":   noteSign,
	"note-cosign": noteCosign,
	"tlog-root":        tlogRoot,
	"tlog-inclusion":   tlogInclusion,
	"tlog-consistency": tlogConsistency,
}

func main() {
	if len(os.Args) < 2 || commands[os.Args[1]] == nil {
		fmt.Fprintln(os.Stderr, "usage: interop note-verify|note-sign|note-cosign args...")
		os.Exit(2)
	}
	err := commands[os.Args[1]](os.Args[2:])
	var ve errVerify
	switch {
	case err == nil:
	case errors.As(err, &ve):
		fmt.Println("FAIL " + ve.Error())
		os.Exit(1)
	default:
		fmt.Fprintln(os.Stderr, "error: "+err.Error())
		os.Exit(2)
	}
}

func verifiers(file string) (note.Verifiers, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var list []note.Verifier
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		v, err := note.NewVerifier(line)
		if err != nil {
			return nil, errVerify{fmt.Errorf("vkey %q: %v", line, err)}
		}
		list = append(list, v)
	}
	return note.VerifierList(list...), nil
}

func open(vkeysFile, noteFile string) (*note.Note, error) {
	known, err := verifiers(vkeysFile)
	if err != nil {
		return nil, err
	}
	msg, err := os.ReadFile(noteFile)
	if err != nil {
		return nil, err
	}
	n, err := note.Open(msg, known)
	if err != nil {
		return nil, errVerify{err}
	}
	return n, nil
}

func noteVerify(args []string) error {
	if len(args) != 2 {
		return errors.New("note-verify <vkeys-file> <note-file>")
	}
	n, err := open(args[0], args[1])
	if err != nil {
		return err
	}
	out := "OK"
	for _, s := range n.Sigs {
		out += fmt.Sprintf(" %s+%08x", s.Name, s.Hash)
	}
	fmt.Println(out)
	return nil
}

func signer(name, seedHex string) (note.Signer, string, error) {
	var r io.Reader = rand.Reader
	if seedHex != "random" {
		seed, err := hex.DecodeString(seedHex)
		if err != nil || len(seed) != 32 {
			return nil, "", errors.New("seed must be 64 hex digits or \"random\"")
		}
		r = bytes.NewReader(seed)
	}
	skey, vkey, err := note.GenerateKey(r, name)
	if err != nil {
		return nil, "", err
	}
	s, err := note.NewSigner(skey)
	return s, vkey, err
}

func noteSign(args []string) error {
	if len(args) != 3 {
		return errors.New("note-sign <name> <seed-hex|random> <text-file>")
	}
	s, vkey, err := signer(args[0], args[1])
	if err != nil {
		return err
	}
	text, err := os.ReadFile(args[2])
	if err != nil {
		return err
	}
	msg, err := note.Sign(&note.Note{Text: string(text)}, s)
	if err != nil {
		return err
	}
	fmt.Println(vkey)
	os.Stdout.Write(msg)
	return nil
}

func noteCosign(args []string) error {
	if len(args) != 4 {
		return errors.New("note-cosign <name> <seed-hex|random> <vkeys-file> <note-file>")
	}
	s, vkey, err := signer(args[0], args[1])
	if err != nil {
		return err
	}
	n, err := open(args[2], args[3])
	if err != nil {
		return err
	}
	msg, err := note.Sign(n, s)
	if err != nil {
		return err
	}
	fmt.Println(vkey)
	os.Stdout.Write(msg)
	return nil
}

func tlogRoot(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: tlog-root <records-file>")
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	for n, line := range lines {
		rec, err := base64.StdEncoding.DecodeString(line)
		if err != nil {
			return fmt.Errorf("record %d: %v", n, err)
		}
		hs, err := tlog.StoredHashes(int64(n), rec, reader)
		if err != nil {
			return err
		}
		stored = append(stored, hs...)
	}
	root, err := tlog.TreeHash(int64(len(lines)), reader)
	if err != nil {
		return err
	}
	fmt.Println(base64.StdEncoding.EncodeToString(root[:]))
	return nil
}

func hashArg(s string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("bad hash %q", s)
	}
	copy(h[:], b)
	return h, nil
}

func hashArgs(ss []string) ([]tlog.Hash, error) {
	var out []tlog.Hash
	for _, s := range ss {
		h, err := hashArg(s)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

func tlogInclusion(args []string) error {
	if len(args) < 4 {
		return fmt.Errorf("usage: tlog-inclusion <index> <size> <leaf> <root> [proof...]")
	}
	index, err1 := strconv.ParseInt(args[0], 10, 64)
	size, err2 := strconv.ParseInt(args[1], 10, 64)
	leaf, err3 := hashArg(args[2])
	root, err4 := hashArg(args[3])
	proof, err5 := hashArgs(args[4:])
	if err := firstErr(err1, err2, err3, err4, err5); err != nil {
		return err
	}
	if err := tlog.CheckRecord(tlog.RecordProof(proof), size, root, index, leaf); err != nil {
		return errVerify{err}
	}
	fmt.Println("OK")
	return nil
}

func tlogConsistency(args []string) error {
	if len(args) < 4 {
		return fmt.Errorf("usage: tlog-consistency <old-size> <old-root> <new-size> <new-root> [proof...]")
	}
	oldSize, err1 := strconv.ParseInt(args[0], 10, 64)
	oldRoot, err2 := hashArg(args[1])
	newSize, err3 := strconv.ParseInt(args[2], 10, 64)
	newRoot, err4 := hashArg(args[3])
	proof, err5 := hashArgs(args[4:])
	if err := firstErr(err1, err2, err3, err4, err5); err != nil {
		return err
	}
	if err := tlog.CheckTree(tlog.TreeProof(proof), newSize, newRoot, oldSize, oldRoot); err != nil {
		return errVerify{err}
	}
	fmt.Println("OK")
	return nil
}

// firstErr is errors.Join for Go 1.19, which Debian bookworm ships.
func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
