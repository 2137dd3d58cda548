package org.crosstenant.platform.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Signed notes, checkpoints and cosignatures (C2SP signed-note, tlog-checkpoint, tlog-cosignature) against published
 * vectors — RFC 8032's first Ed25519 test vector, the example key and note of Go's {@code sumdb/note} package, the
 * examples of the C2SP texts — and against tampering and malformed input.
 */
class SignedNoteTest {

    static final HexFormat HEX = HexFormat.of();

    @Test
    void rfc8032TestVectorOneDerivesThePublicKeyAndVerifies() {
        NoteSigner signer = NoteSigner.fromSeed("rfc8032.example/1", NoteKey.ED25519,
                HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        assertEquals("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                HEX.formatHex(signer.verifierKey().publicKey()));
        byte[] signatureOfEmpty = HEX.parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb88"
                + "21590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        assertTrue(signer.verifierKey().verifies("", signatureOfEmpty));
        signatureOfEmpty[10] ^= 1;
        assertFalse(signer.verifierKey().verifies("", signatureOfEmpty));
    }

    @Test
    void goSumdbNoteExampleVerifies() {
        NoteKey key = NoteKey.parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
        assertEquals(0x530d903a, key.keyId());
        SignedNote note = SignedNote.parse("This is an example message.\n\n— example.com/foo "
                + "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n");
        assertEquals(List.of(key), note.verify(List.of(key)));
        SignedNote edited = new SignedNote("This is an example message!\n", note.signatures());
        assertThrows(InvalidNoteException.class, () -> edited.verify(List.of(key)));
        assertThrows(IllegalArgumentException.class,
                () -> NoteKey.parse("example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"));
    }

    @Test
    void theC2spCheckpointExampleParses() {
        SignedNote note = SignedNote.parse("example.com/behind-the-sofa\n20852163\n"
                + "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
                + "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
                + "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n");
        Checkpoint checkpoint = Checkpoint.parse(note.text());
        assertEquals("example.com/behind-the-sofa", checkpoint.origin());
        assertEquals(20852163L, checkpoint.size());
        assertEquals(note.text(), checkpoint.text());
        assertEquals(2, note.signatures().size());
        assertEquals(64, note.signatures().get(0).signature().length);
        // a cosignature: 8-byte timestamp (1679315147, the spec's example time) and a 64-byte signature
        byte[] cosignature = note.signatures().get(1).signature();
        assertEquals(72, cosignature.length);
        assertEquals(1679315147L, java.nio.ByteBuffer.wrap(cosignature, 0, 8).getLong());
    }

    @Test
    void aLogSignsAndTwoWitnessesCosignACheckpoint() {
        NoteSigner log = NoteSigner.generate("crosstenant.example/audit", NoteKey.ED25519);
        NoteSigner contoso = NoteSigner.generate("contoso.example/witness", NoteKey.COSIGNATURE);
        NoteSigner fabrikam = NoteSigner.generate("fabrikam.example/witness", NoteKey.COSIGNATURE);
        Checkpoint checkpoint = new Checkpoint("crosstenant.example/audit", 8,
                MerkleProofs.root(MerkleProofsTest.treeOf(MerkleProofsTest.entries(8)), 8));
        SignedNote signed = SignedNote.sign(checkpoint.text(), log)
                .with(List.of(contoso.cosign(checkpoint.text(), 1_700_000_000L),
                        fabrikam.cosign(checkpoint.text(), 1_700_000_001L)));
        SignedNote read = SignedNote.parse(signed.format().getBytes(StandardCharsets.UTF_8));
        assertEquals(signed, read);
        assertEquals(checkpoint, Checkpoint.parse(read.text()));
        List<NoteKey> all = List.of(log.verifierKey(), contoso.verifierKey(), fabrikam.verifierKey());
        assertEquals(all, read.verify(all));
        // a reader that trusts one witness only ignores the other's line
        assertEquals(List.of(contoso.verifierKey()), read.verify(List.of(contoso.verifierKey())));

        // the text form of a signer round-trips to the same key; the secret is not in its toString
        assertEquals(log.verifierKey(), NoteSigner.parse(log.skey()).verifierKey());
        assertEquals(contoso.verifierKey(), NoteKey.parse(contoso.verifierKey().vkey()));
        // (the secret is the whole base64 after the fourth '+': base64 may itself hold '+')
        assertFalse(log.toString().contains(log.skey().split("\\+", 5)[4]));

        // another size or root under the same signatures: refused by every trusted key
        Checkpoint forged = new Checkpoint(checkpoint.origin(), 9, checkpoint.rootHash());
        for (NoteKey key : all) {
            assertThrows(InvalidNoteException.class,
                    () -> new SignedNote(forged.text(), read.signatures()).verify(List.of(key)), key.name());
        }
        // a cosignature whose timestamp was moved no longer verifies
        byte[] moved = read.signatures().get(1).signature();
        moved[7] ^= 1;
        SignedNote retimed = new SignedNote(read.text(), List.of(read.signatures().get(0),
                new SignedNote.NoteSignature(contoso.verifierKey().name(), contoso.verifierKey().keyId(), moved)));
        assertThrows(InvalidNoteException.class, () -> retimed.verify(List.of(contoso.verifierKey())));
        // the log's plain key does not pass for a witness's: same name, other key ID, so ignored
        NoteSigner impostor = NoteSigner.generate("contoso.example/witness", NoteKey.ED25519);
        SignedNote byImpostor = SignedNote.sign(checkpoint.text(), impostor);
        assertThrows(InvalidNoteException.class, () -> byImpostor.verify(List.of(contoso.verifierKey())));
    }

    @Test
    void aFailingSignatureOfATrustedKeySinksTheNoteEvenBesideAGoodOne() {
        NoteSigner log = NoteSigner.generate("log.example/a", NoteKey.ED25519);
        String text = "log.example/a\n1\n" + Base64.getEncoder().encodeToString(new byte[32]) + "\n";
        SignedNote good = SignedNote.sign(text, log);
        byte[] bent = good.signatures().get(0).signature();
        bent[0] ^= 1;
        SignedNote twice = good.with(List.of(new SignedNote.NoteSignature("log.example/a", log.verifierKey().keyId(),
                bent)));
        InvalidNoteException refused = assertThrows(InvalidNoteException.class,
                () -> twice.verify(List.of(log.verifierKey())));
        assertTrue(refused.getMessage().contains("does not verify"), refused.getMessage());
    }

    @Test
    void malformedNotesAndCheckpointsAreRefused() {
        String root = Base64.getEncoder().encodeToString(new byte[32]);
        String sig = "— log.example/a " + Base64.getEncoder().encodeToString(new byte[68]) + "\n";
        List<String> notes = List.of(
                "text\n",                                        // no blank line, no signature
                "text\n\n",                                      // no signature
                "text\n\n" + sig.substring(2),                   // no dash
                "text\n\n— log.example/a\n",                     // no signature bytes
                "text\n\n— log+example/a " + Base64.getEncoder().encodeToString(new byte[68]) + "\n",
                "text\n\n— log.example/a !!!!\n",
                "text\u0007\n\n" + sig,                          // a control character
                "text\n\n" + sig.substring(0, sig.length() - 1), // no final newline
                "text\n\n" + sig.repeat(SignedNote.MAX_SIGNATURES + 1));
        for (String note : notes) {
            assertThrows(InvalidNoteException.class, () -> SignedNote.parse(note), note);
        }
        assertThrows(InvalidNoteException.class, () -> SignedNote.parse(new byte[] {'a', '\n', '\n', (byte) 0xC3}));
        List<String> checkpoints = List.of(
                "origin\n8\n" + root,                            // no final newline
                "origin\n8\n",                                   // no root
                "\n8\n" + root + "\n",                           // empty origin
                "origin\n08\n" + root + "\n",                    // a leading zero
                "origin\n-8\n" + root + "\n",
                "origin\n9223372036854775808\n" + root + "\n",   // over Long.MAX_VALUE
                "origin\n8\n" + Base64.getEncoder().encodeToString(new byte[31]) + "\n",
                "origin\n8\n" + root.replace("=", "") + "\n",    // not canonical base64
                "origin\n8\n" + root + "\n\n");                  // an empty extension line
        for (String text : checkpoints) {
            assertThrows(InvalidNoteException.class, () -> Checkpoint.parse(text), text);
        }
        Checkpoint empty = Checkpoint.parse("origin\n0\n" + Base64.getEncoder().encodeToString(MerkleHash.emptyRoot())
                + "\n");
        assertEquals(0, empty.size());
        assertArrayEquals(MerkleHash.emptyRoot(), empty.rootHash());
        assertThrows(IllegalArgumentException.class, () -> NoteSigner.generate("has space", NoteKey.ED25519));
        assertThrows(IllegalArgumentException.class, () -> NoteSigner.fromSeed("a.example", (byte) 2, new byte[32]));
        List<String> skeys = new ArrayList<>(List.of("PRIVATE+KEY+a.example+00000000+AQ==", "a.example+1+AQ=="));
        for (String skey : skeys) {
            assertThrows(IllegalArgumentException.class, () -> NoteSigner.parse(skey), skey);
        }
    }
}
