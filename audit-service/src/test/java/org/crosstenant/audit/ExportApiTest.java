package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;

import org.crosstenant.audit.messaging.AuditEventTranslator;
import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.service.AuditExport;
import org.crosstenant.audit.service.AuditHasher;
import org.crosstenant.audit.service.AuditLog;
import org.crosstenant.audit.service.AuditRecordMapper;
import org.crosstenant.platform.tlog.Checkpoint;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.SignedNote;
import org.crosstenant.verifier.cli.AuditVerifierCommand;
import org.crosstenant.verifier.service.ExportVerifier;
import org.crosstenant.verifier.service.ExportVerifier.Report;
import org.junit.jupiter.api.Test;

/**
 * A real export ({@code GET /api/v1/audit/export}) checked with the offline verifier's classes, as a security team
 * would: it verifies against the published key, with consistency to a checkpoint kept from before; an edited line
 * fails naming the record; the verifier's canonical bytes of every stored record, made from the served form, are
 * byte-equal to {@link AuditHasher#canonical(AuditRecordEntity)}; bad parameters are problem+json 400s.
 */
@QuarkusTest
class ExportApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXPORT = "/api/v1/audit/export";

    @Inject
    AuditLog auditLog;

    @Inject
    AuditEventTranslator translator;

    @Inject
    AuditRecordMapper mapper;

    private AuditRecord append(String resource, String home) {
        return Events.appendDecided(auditLog, translator, resource, home);
    }

    private static byte[] export(String tenant, Object... params) {
        var request = Auditors.as(tenant);
        for (int i = 0; i < params.length; i += 2) {
            request = request.queryParam((String) params[i], params[i + 1]);
        }
        return request.get(EXPORT).then().statusCode(200).contentType("application/x-ndjson").extract().asByteArray();
    }

    private static List<String> lines(byte[] export) {
        String text = new String(export, StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        return new ArrayList<>(Arrays.asList(text.split("\n")));
    }

    @Test
    void aRealExportVerifiesOfflineAndAnEditedOneFailsNamingTheRecord() throws Exception {
        NoteKey key = ProofApiTest.publishedKey();
        AuditRecord before = append("contoso", "fabrikam");
        Checkpoint kept = ProofApiTest.checkpointCovering("contoso", key, before.sequence());
        String keptNote = Auditors.as("contoso").get("/api/v1/audit/checkpoint").then().statusCode(200).extract()
                .asString();
        AuditRecord own = append("contoso", "fabrikam");
        append("northwind", "fabrikam");
        AuditRecord last = append("fabrikam", "contoso");
        Checkpoint checkpoint = ProofApiTest.checkpointCovering("contoso", key, last.sequence());

        byte[] export = export("contoso", "from", before.sequence(), "since", kept.size());
        Report report = new ExportVerifier(key, List.of(), ExportVerifier.trustedCheckpoint(keptNote, key))
                .verify(new ByteArrayInputStream(export));
        assertThat(report.findings()).isEmpty();
        assertThat(report.consistentWith()).isEqualTo(kept.size());
        assertThat(report.from()).isEqualTo(before.sequence());
        assertThat(report.treeSize()).isGreaterThanOrEqualTo(checkpoint.size());
        assertThat(report.ownRecords()).isGreaterThanOrEqualTo(3);
        assertThat(report.otherLeaves()).isGreaterThanOrEqualTo(1);

        // the other tenant's record is a leaf hash only
        List<String> lines = lines(export);
        String northwind = lines.get((int) (own.sequence() - before.sequence()) + 3);
        assertThat(JSON.readTree(northwind).get("type").asText()).isEqualTo("leaf");
        assertThat(northwind).doesNotContain("northwind");

        // one field of contoso's own record edited: the verifier fails and names it
        int ownLine = (int) (own.sequence() - before.sequence()) + 2; // header, consistency, then from 'before'
        ObjectNode line = (ObjectNode) JSON.readTree(lines.get(ownLine));
        assertThat(line.get("record").get("sequence").asLong()).isEqualTo(own.sequence());
        ((ObjectNode) line.get("record")).put("outcome", "denied");
        lines.set(ownLine, line.toString());
        byte[] edited = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        Report failed = new ExportVerifier(key, List.of(), null).verify(new ByteArrayInputStream(edited));
        assertThat(failed.findings()).singleElement().asString().contains("record sequence " + own.sequence(),
                "recordId " + own.recordId());

        // the command line: exit codes 0 and 1 on the same files
        Path dir = Files.createTempDirectory("export");
        Files.writeString(dir.resolve("audit.vkey"), key.vkey());
        Files.write(dir.resolve("export.ndjson"), export);
        Files.write(dir.resolve("edited.ndjson"), edited);
        String vkey = dir.resolve("audit.vkey").toString();
        assertThat(AuditVerifierCommand.run("--log-key", vkey, dir.resolve("export.ndjson").toString()))
                .isEqualTo(AuditVerifierCommand.VERIFIED);
        assertThat(AuditVerifierCommand.run("--log-key", vkey, dir.resolve("edited.ndjson").toString()))
                .isEqualTo(AuditVerifierCommand.FAILED);
    }

    @Test
    void theVerifiersCanonicalBytesOfEveryStoredRecordEqualTheServices() throws Exception {
        append("contoso", "fabrikam");
        append("northwind", "contoso");
        try (Connection db = AuditDatabase.connect()) {
            List<AuditRecordEntity> stored = AuditDatabase.records(db);
            assertThat(stored).isNotEmpty();
            for (AuditRecordEntity record : stored) {
                JsonNode served = JSON.readTree(mapper.toJson(AuditExport.recordLine(record)));
                assertThat(ExportVerifier.entry(served)).as("record %d", record.sequence)
                        .isEqualTo(AuditHasher.canonical(record));
            }
        }
    }

    @Test
    void badParametersAreProblems() {
        AuditRecord record = append("contoso", "fabrikam");
        Checkpoint latest = ProofApiTest.checkpointCovering("contoso", ProofApiTest.publishedKey(), record.sequence());
        String[][] refused = {
            { "format", "csv", "format" }, { "format", "NDJSON", "format" }, { "treeSize", "0", "treeSize" },
            { "treeSize", Long.toString(latest.size() + 1_000_000), "treeSize" },
            { "treeSize", ProofApiTest.otherDigits(Long.toString(latest.size()), '\u0660'), "treeSize" },
            { "to", ProofApiTest.otherDigits("1", '\uFF10'), "to" }, { "from", "01", "from" }, { "since", "+1", "since" },
            { "from", "0", "from" }, { "from", "x", "from" }, { "to", "-1", "to" },
            { "to", Long.toString(latest.size() + 1_000_000), "to" },
            { "since", Long.toString(latest.size() + 1_000_000), "since" }, { "Since", "1", "Since" },
        };
        for (String[] bad : refused) {
            ProofApiTest.problem(Auditors.as("contoso").queryParam(bad[0], bad[1]).get(EXPORT).then().statusCode(400)
                    .contentType("application/problem+json").extract().asString(), bad[2]);
        }
        ProofApiTest.problem(Auditors.as("contoso").queryParam("from", latest.size() + 1).queryParam("to",
                latest.size()).get(EXPORT).then()
                .statusCode(400).extract().asString(), "from");
        ProofApiTest.problem(Auditors.as("contoso").queryParam("format", "ocsf").queryParam("since", latest.size())
                .get(EXPORT).then().statusCode(400).extract().asString(), "since");
        io.restassured.RestAssured.given().get(EXPORT).then().statusCode(401);
    }

    @Test
    void anExportPinnedToAnOlderCheckpointIsProvedAgainstItAndShowsOnlyWhatItsLeafHashCovers() throws IOException {
        NoteKey key = ProofApiTest.publishedKey();
        AuditRecord first = append("contoso", "fabrikam");
        Checkpoint pinned = ProofApiTest.checkpointCovering("contoso", key, first.sequence());
        AuditRecord later = append("contoso", "fabrikam");
        ProofApiTest.checkpointCovering("contoso", key, later.sequence());

        byte[] export = export("contoso", "from", first.sequence(), "treeSize", pinned.size());
        List<String> lines = lines(export);
        JsonNode header = JSON.readTree(lines.get(0));
        assertThat(header.get("treeSize").asLong()).isEqualTo(pinned.size());
        assertThat(Checkpoint.parse(SignedNote.parse(header.get("checkpoint").asText()).text()).size()).isEqualTo(pinned.size());
        assertThat(header.get("to").asLong()).isEqualTo(pinned.size());
        Report report = new ExportVerifier(key, List.of(), null).verify(new ByteArrayInputStream(export));
        assertThat(report.findings()).isEmpty();
        // a record line holds its tree entry and where it sits, never the derived schema fields
        JsonNode record = JSON.readTree(lines.get(1)).get("record");
        assertThat(record.has("category")).isFalse();
        assertThat(record.has("pruned")).isFalse();
        assertThat(record.get("sequence").asLong()).isEqualTo(first.sequence());
    }

    @Test
    void theOcsfExportHasOneEventPerRecordOfTheTenant() throws IOException {
        AuditRecord own = append("contoso", "fabrikam");
        AuditRecord others = append("northwind", "fabrikam");
        ProofApiTest.checkpointCovering("contoso", ProofApiTest.publishedKey(), others.sequence());
        List<String> lines = lines(export("contoso", "from", own.sequence(), "to", others.sequence(), "format", "ocsf"));
        assertThat(lines).hasSize(1);
        JsonNode event = JSON.readTree(lines.get(0));
        assertThat(event.get("metadata").get("uid").asText()).isEqualTo(own.recordId().toString());
        assertThat(event.get("class_uid").asInt()).isIn(3001, 3002, 6003);
    }

    @Test
    void aShortRangeHasExactlyItsLeaves() throws IOException {
        AuditRecord first = append("contoso", "fabrikam");
        AuditRecord second = append("northwind", "fabrikam");
        ProofApiTest.checkpointCovering("fabrikam", ProofApiTest.publishedKey(), second.sequence());
        List<String> lines = lines(export("fabrikam", "from", first.sequence(), "to", second.sequence(), "format",
                "ndjson"));
        assertThat(lines).hasSize(4); // header, two leaves, the signed manifest
        assertThat(JSON.readTree(lines.get(3)).get("type").asText()).isEqualTo("trailer");
        JsonNode header = JSON.readTree(lines.get(0));
        assertThat(header.get("type").asText()).isEqualTo("header");
        assertThat(header.get("tenant").asText()).isEqualTo("fabrikam");
        assertThat(JSON.readTree(lines.get(1)).get("record").get("recordId").asText())
                .isEqualTo(first.recordId().toString());
        assertThat(JSON.readTree(lines.get(2)).get("record").get("leafIndex").asLong())
                .isEqualTo(second.sequence() - 1);
    }
}
