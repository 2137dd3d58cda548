package org.crosstenant.audit.service;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;

import org.crosstenant.audit.config.AuditConfig;
import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.model.ExportLine;
import org.crosstenant.audit.model.StoredCheckpoint;
import org.crosstenant.audit.repository.AuditRecordRepository;
import org.crosstenant.audit.repository.CheckpointRepository;
import org.crosstenant.audit.service.AuditProofs.Recorder;
import org.crosstenant.audit.service.ProofRequestException.Kind;
import org.crosstenant.platform.tlog.MerkleProofs;
import org.crosstenant.platform.tlog.PerfectSubtrees;
import org.crosstenant.platform.tlog.RangeManifest;

/**
 * The export of a range of the audit log for one tenant, proved against the latest signed checkpoint (docs/audit.md
 * "Export"): a header with the checkpoint, optionally a consistency proof from an older checkpoint, then one line per
 * leaf of the range in leaf order — the tenant's own records in full, other tenants' as their leaf hash only — each
 * with its inclusion proof. A verifier holding the log's key can thus prove, without trusting the service, that every
 * line is in the signed tree at its place and that no leaf of the range is missing, doubled or moved.
 * <p>
 * Streamed page by page ({@code audit.export.page-size} leaves): a page is read (the tenant's records with
 * one query, every node its proofs need with one more) only when the client has taken the one before, so memory is
 * bounded by a page whatever the range, and a slow client slows the reads down instead of filling a buffer. A page's
 * proofs and records are made on a worker thread, not on the event loop.
 */
@ApplicationScoped
public class AuditExport {

    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private final Pool pool;
    private final CheckpointRepository checkpoints;
    private final AuditProofs proofs;
    private final AuditRecordRepository records;
    private final AuditRecordMapper mapper;
    private final ReactiveContexts contexts;
    private final AuditConfig config;
    private final Witnesses witnesses;
    private final OcsfMapper ocsf;
    private final CheckpointSigner signer;

    public AuditExport(Pool pool, CheckpointRepository checkpoints, AuditProofs proofs, AuditRecordRepository records,
            AuditRecordMapper mapper, ReactiveContexts contexts, AuditConfig config, Witnesses witnesses,
            OcsfMapper ocsf, CheckpointSigner signer) {
        this.signer = signer;
        this.witnesses = witnesses;
        this.ocsf = ocsf;
        this.pool = pool;
        this.checkpoints = checkpoints;
        this.proofs = proofs;
        this.records = records;
        this.mapper = mapper;
        this.contexts = contexts;
        this.config = config;
    }

    /**
     * The export's lines, in order (each becomes one NDJSON line).
     *
     * @param tenant the caller's tenant
     * @param from   the first sequence, {@code >= 1}; null for 1
     * @param to     the last sequence, at most the latest checkpoint's size; null for that size
     * @param since  an older signed checkpoint's size to add a consistency proof from; null for none
     * @param treeSize the size of the signed checkpoint to prove against (e.g. one already cosigned by the witnesses
     *               the caller trusts); null for the latest
     * @return the lines; fails before the first item with {@link ProofRequestException}: NOT_YET when no checkpoint
     *         is signed yet, BAD_PARAMETER naming {@code from}, {@code to}, {@code since} or {@code treeSize} when the
     *         range is empty, beyond the checkpoint or longer than {@code audit.export.max-records}, or {@code since}
     *         or {@code treeSize} is not a signed checkpoint's size
     */
    public Multi<ExportLine> ndjson(String tenant, Long from, Long to, Long since, Long treeSize) {
        return checkpoint(treeSize).flatMap(checkpoint -> {
            Range range = range(from, to, checkpoint.treeSize());
            return consistency(since, checkpoint).flatMap(consistency -> signedRoot(checkpoint)
                    .flatMap(ignored -> witnesses.cosignedNote(checkpoint)).map(note -> {
                        List<ExportLine> head = new ArrayList<>();
                        head.add(new ExportLine.Header(tenant, range.first(), range.last(), checkpoint.treeSize(), note));
                        consistency.ifPresent(head::add);
                        return new Plan(checkpoint, range, head, new RangeManifest.ShownLeaves());
                    }));
        }).onItem().transformToMulti(plan -> Multi.createBy().concatenating().streams(
                Multi.createFrom().iterable(plan.head()),
                pages(tenant, plan).onItem().transformToIterable(page -> page),
                // made only once every page was sent: it signs which leaves were shown in full
                Multi.createFrom().deferred(() -> Multi.createFrom().item(trailer(tenant, plan)))));
    }

    private ExportLine trailer(String tenant, Plan plan) {
        synchronized (plan.shown()) {
            return new ExportLine.Trailer(signer.sign(new RangeManifest(signer.origin(), tenant, plan.range().first(),
                    plan.range().last(), plan.treeSize(), plan.checkpoint().rootHash(), plan.shown().count(),
                    plan.shown().hash())));
        }
    }

    /**
     * The caller's tenant's records of a range as OCSF events (docs/audit.md "OCSF mapping"), one per line, for a
     * SIEM's import: the same range rules as {@link #ndjson}, no header and no proofs (prove with the ndjson form).
     *
     * @return the events in sequence order; fails before the first as {@link #ndjson} does
     */
    public Multi<com.fasterxml.jackson.databind.node.ObjectNode> ocsf(String tenant, Long from, Long to, Long treeSize) {
        return checkpoint(treeSize).onItem().transformToMulti(checkpoint -> {
            Range range = range(from, to, checkpoint.treeSize());
            return inPages(range, (first, last) -> contexts.onFreshContext(() -> Panache.withSession(
                    () -> records.rangeForTenant(tenant, first, last))))
                    .onItem().transformToIterable(page -> page)
                    .map(record -> ocsf.toOcsf(mapper.toRecord(record)));
        });
    }

    /** The checkpoint an export is proved against: the latest, or the signed one of {@code treeSize}. */
    private Uni<StoredCheckpoint> checkpoint(Long treeSize) {
        if (treeSize == null) {
            return checkpoints.latest(pool).map(latest -> latest.orElseThrow(() -> new ProofRequestException(
                    Kind.NOT_YET, null, "no checkpoint is signed yet; ask again shortly")));
        }
        return checkpoints.bySizes(pool, List.of(treeSize)).map(found -> found.stream().findFirst()
                .orElseThrow(() -> new ProofRequestException(Kind.BAD_PARAMETER, "treeSize",
                        "treeSize " + treeSize + " is not the size of a signed checkpoint")));
    }

    private record Range(long first, long last) {
    }

    /** One export: its checkpoint, range, first lines, and the leaves shown in full so far (for the trailer). */
    private record Plan(StoredCheckpoint checkpoint, Range range, List<ExportLine> head,
            RangeManifest.ShownLeaves shown) {
        long treeSize() {
            return checkpoint.treeSize();
        }
    }

    private Range range(Long from, Long to, long treeSize) {
        long first = from == null ? 1 : from;
        long last = to == null ? treeSize : to;
        if (last > treeSize) {
            throw new ProofRequestException(Kind.BAD_PARAMETER, "to", "to (" + last + ") is beyond the latest signed"
                    + " checkpoint (" + treeSize + " records)");
        }
        if (first > last) {
            throw new ProofRequestException(Kind.BAD_PARAMETER, "from", "from (" + first + ") must not be larger"
                    + " than to (" + last + ")");
        }
        long max = config.export().maxRecords();
        if (last - first + 1 > max) {
            throw new ProofRequestException(Kind.BAD_PARAMETER, "to", "an export spans at most " + max
                    + " records: to must be at most from + " + (max - 1));
        }
        return new Range(first, last);
    }

    private Uni<Optional<ExportLine.Consistency>> consistency(Long since, StoredCheckpoint checkpoint) {
        if (since == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        if (since > checkpoint.treeSize()) {
            throw new ProofRequestException(Kind.BAD_PARAMETER, "since", "since (" + since + ") is beyond the latest"
                    + " signed checkpoint (" + checkpoint.treeSize() + " records)");
        }
        return proofs.consistency(since, checkpoint.treeSize())
                .map(proof -> Optional.of(new ExportLine.Consistency(proof.from(), proof.to(), proof.proof())))
                .onFailure(ProofRequestException.class).transform(e -> new ProofRequestException(Kind.BAD_PARAMETER,
                        "since", "since " + since + " is not the size of a signed checkpoint"));
    }

    /** Refuses to export against a checkpoint whose root the stored tree does not have (corruption, a 500). */
    private Uni<Void> signedRoot(StoredCheckpoint checkpoint) {
        Recorder wanted = new Recorder();
        MerkleProofs.root(wanted, checkpoint.treeSize());
        return proofs.stored(wanted).map(nodes -> {
            AuditProofs.requireSignedRoot(nodes, checkpoint);
            return null;
        });
    }

    private Multi<List<ExportLine>> pages(String tenant, Plan plan) {
        return inPages(plan.range(), (first, last) -> page(tenant, first, last, plan));
    }

    /**
     * Reads a range page by page ({@code audit.export.page-size} sequences each), one page at a time: the next is
     * read only when the client has taken this one.
     */
    private <T> Multi<T> inPages(Range range, java.util.function.BiFunction<Long, Long, Uni<T>> page) {
        int pageSize = config.export().pageSize();
        Iterable<Long> starts = () -> LongStream.iterate(range.first(), s -> s <= range.last(), s -> s + pageSize)
                .iterator();
        return Multi.createFrom().iterable(starts).onItem().transformToUniAndConcatenate(
                first -> page.apply(first, Math.min(range.last(), first + pageSize - 1)));
    }

    private Uni<List<ExportLine>> page(String tenant, long first, long last, Plan plan) {
        long treeSize = plan.treeSize();
        Recorder wanted = new Recorder();
        for (long sequence = first; sequence <= last; sequence++) {
            wanted.hash(0, sequence - 1);
            MerkleProofs.inclusionProof(wanted, sequence - 1, treeSize);
        }
        Uni<List<AuditRecordEntity>> own = contexts.onFreshContext(() -> Panache.withSession(
                () -> records.rangeForTenant(tenant, first, last)));
        return Uni.combine().all().unis(own, proofs.stored(wanted)).asTuple()
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(both -> lines(both.getItem1(), both.getItem2(), first, last, treeSize, plan.shown()));
    }

    /**
     * A record line's record (docs/audit.md "Export"): its tree entry ({@link AuditHasher#entry}), then its
     * {@code leafIndex}, {@code previousHash} and {@code hash}.
     *
     * @param record a stored record whose body is not pruned
     * @return the object an export's record line carries
     */
    public static Map<String, Object> recordLine(AuditRecordEntity record) {
        Map<String, Object> line = new java.util.LinkedHashMap<>(AuditHasher.entry(record));
        line.put("leafIndex", record.sequence - 1);
        line.put("previousHash", record.previousHash);
        line.put("hash", record.hash);
        return line;
    }

    private List<ExportLine> lines(List<AuditRecordEntity> own, PerfectSubtrees nodes, long first, long last,
            long treeSize, RangeManifest.ShownLeaves shown) {
        Map<Long, AuditRecordEntity> bySequence = new HashMap<>();
        own.forEach(record -> bySequence.put(record.sequence, record));
        List<ExportLine> lines = new ArrayList<>((int) (last - first + 1));
        for (long sequence = first; sequence <= last; sequence++) {
            long leafIndex = sequence - 1;
            List<String> proof = AuditProofs.base64(MerkleProofs.inclusionProof(nodes, leafIndex, treeSize));
            AuditRecordEntity record = bySequence.get(sequence);
            // a pruned record has no body to recompute its leaf from: it is shown as its leaf hash, like others' records
            if (record != null && record.prunedAt == null) {
                lines.add(new ExportLine.Record(leafIndex, recordLine(record), proof));
                synchronized (shown) { // pages follow each other, maybe on different worker threads
                    shown.add(leafIndex);
                }
            } else {
                lines.add(new ExportLine.Leaf(leafIndex, BASE64.encodeToString(nodes.hash(0, leafIndex)), proof));
            }
        }
        return lines;
    }
}
