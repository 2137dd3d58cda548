package org.crosstenant.platform.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@link MerkleProofs} against the public conformance vectors of transparency-dev/merkle ({@code testdata/inclusion}
 * and {@code testdata/consistency}: valid proofs and tampered ones — bit flips, truncation, wrong sizes, swapped
 * roots), read in place from {@code shared/tlog-testdata} next to the repository or one of its parents, or from the
 * system property {@value #PROPERTY}. A verifier passes when it accepts exactly the cases without {@code wantErr}; the
 * proof maker must also reproduce the valid proofs from RFC 6962's eight test leaves. Where the data is absent (a
 * machine without it) these tests are skipped, saying so; the tests of {@link MerkleProofsTest} still run.
 */
class MerkleConformanceTest {

    static final String PROPERTY = "crosstenant.tlog.testdata";
    static final ObjectMapper JSON = new ObjectMapper();
    /** RFC 6962's test leaves (hex), the leaves of the vectors' happy paths. */
    static final List<String> LEAVES = List.of("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
            "606162636465666768696a6b6c6d6e6f");

    @TestFactory
    Stream<DynamicTest> everyInclusionVectorIsJudgedAsExpected() {
        List<Path> files = vectors("inclusion");
        assertEquals(98, files.size(), "inclusion vectors found");
        assertEquals(6, files.stream().filter(f -> !read(f).path("wantErr").asBoolean()).count(), "valid ones");
        return files.stream().map(file -> DynamicTest.dynamicTest(name(file), () -> {
            JsonNode v = read(file);
            Runnable verify = () -> MerkleProofs.verifyInclusion(unsigned(v.path("leafIdx")),
                    unsigned(v.path("treeSize")), bytes(v.path("leafHash")), hashes(v.path("proof")),
                    bytes(v.path("root")));
            expect(v, verify);
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyConsistencyVectorIsJudgedAsExpected() {
        List<Path> files = vectors("consistency");
        assertEquals(98, files.size(), "consistency vectors found");
        assertEquals(6, files.stream().filter(f -> !read(f).path("wantErr").asBoolean()).count(), "valid ones");
        return files.stream().map(file -> DynamicTest.dynamicTest(name(file), () -> {
            JsonNode v = read(file);
            Runnable verify = () -> MerkleProofs.verifyConsistency(unsigned(v.path("size1")),
                    unsigned(v.path("size2")), bytes(v.path("root1")), bytes(v.path("root2")),
                    hashes(v.path("proof")));
            expect(v, verify);
        }));
    }

    @Test
    void theProofMakerReproducesEveryHappyPath() {
        InMemoryMerkleTree tree = new InMemoryMerkleTree();
        LEAVES.forEach(hex -> tree.append(MerkleHash.leaf(HexFormat.of().parseHex(hex))));
        for (int group = 0; group <= 4; group++) {
            JsonNode inclusion = read(dir().resolve("inclusion/" + group + "/happy-path.json"));
            long index = inclusion.path("leafIdx").asLong();
            long size = inclusion.path("treeSize").asLong();
            assertArrayEquals(bytes(inclusion.path("root")), MerkleProofs.root(tree, size), "root of " + size);
            assertProof(hashes(inclusion.path("proof")), MerkleProofs.inclusionProof(tree, index, size),
                    "inclusion " + index + " of " + size);
            JsonNode consistency = read(dir().resolve("consistency/" + group + "/happy-path.json"));
            long size1 = consistency.path("size1").asLong();
            long size2 = consistency.path("size2").asLong();
            assertProof(hashes(consistency.path("proof")), MerkleProofs.consistencyProof(tree, size1, size2),
                    "consistency " + size1 + "→" + size2);
        }
    }

    private static void expect(JsonNode vector, Runnable verify) {
        if (vector.path("wantErr").asBoolean()) {
            assertThrows(InvalidProofException.class, verify::run, vector.path("desc").asText());
        } else {
            verify.run();
        }
    }

    private static void assertProof(List<byte[]> expected, List<byte[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": proof length");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), what + ": element " + i);
        }
    }

    /** The vectors' folder: the system property, else {@code shared/tlog-testdata} beside this directory or a parent. */
    static Path dir() {
        String given = System.getProperty(PROPERTY);
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            Path candidate = at.resolve("shared").resolve("tlog-testdata");
            if (Files.isDirectory(candidate.resolve("inclusion"))) {
                return candidate;
            }
        }
        Assumptions.abort("the transparency-dev/merkle conformance vectors are not on this machine: set -D" + PROPERTY
                + " to their testdata folder (or place shared/tlog-testdata beside the repository)");
        return null;
    }

    private static List<Path> vectors(String kind) {
        try (Stream<Path> walk = Files.walk(dir().resolve(kind))) {
            return walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String name(Path file) {
        return dir().relativize(file).toString();
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON number read as an unsigned 64-bit value (the vectors use 2^64 - 1). */
    private static long unsigned(JsonNode number) {
        BigInteger value = number.bigIntegerValue();
        return value.longValue();
    }

    private static byte[] bytes(JsonNode base64) {
        return Base64.getDecoder().decode(base64.asText());
    }

    /** The proof's hashes; the vectors write an empty proof as {@code null} or {@code []}. */
    private static List<byte[]> hashes(JsonNode proof) {
        List<byte[]> hashes = new ArrayList<>();
        proof.forEach(element -> hashes.add(bytes(element)));
        return hashes;
    }
}
