package org.crosstenant.audit.service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

import org.crosstenant.audit.config.WitnessesConfig;
import org.crosstenant.audit.messaging.OutboxRelay;
import org.crosstenant.audit.model.AuditDraft;
import org.crosstenant.audit.model.AuditInput;
import org.crosstenant.audit.model.IncomingEvent;
import org.crosstenant.audit.model.StoredCheckpoint;
import org.crosstenant.audit.repository.CheckpointRepository;
import org.crosstenant.audit.repository.CosignatureRepository;
import org.crosstenant.platform.tlog.InvalidNoteException;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.SignedNote;
import org.jboss.logging.Logger;

/**
 * audit-service as the client of the tenants' witnesses (C2SP tlog-witness; docs/audit.md "Witnesses"). After a
 * checkpoint is signed, and every checkpoint interval for a witness that is behind, the latest checkpoint is submitted
 * to each configured witness with a consistency proof from the size that witness cosigned last (learnt from the
 * stored cosignatures, then from its 409 answers), under the witness's deadline, asynchronously (never on the append
 * path, never blocking the event loop), one submission per witness at a time in this instance.
 * <p>
 * A 200 answer's cosignature is verified with the witness's configured vkey (C2SP tlog-cosignature v1) before it is
 * stored. A 422 (the witness holds a checkpoint this one is not consistent with: a split view), a 409 naming a size
 * larger than any checkpoint this log signed, or a size the log never signed, is an alert: an audit record
 * {@value #REFUSED_ACTION} concerning the witness's tenant and {@code crosstenant_audit_witness_refusals_total
 * {witness}}. Network errors, timeouts and other answers count in {@code crosstenant_audit_witness_errors_total
 * {witness,kind}} and are retried at the next checkpoint interval.
 */
@ApplicationScoped
public class Witnesses {

    /** Action of the alert record of a refusal. */
    public static final String REFUSED_ACTION = "audit.witness-refused";
    /** Source type of that record (it is made here, not from a topic). */
    public static final String REFUSED_TYPE = "org.crosstenant.audit.witness-refused.v1";
    /** Micrometer name of {@code crosstenant_audit_witness_refusals_total{witness}}. */
    public static final String REFUSALS = "crosstenant.audit.witness.refusals";
    /** Micrometer name of {@code crosstenant_audit_witness_errors_total{witness,kind}}. */
    public static final String ERRORS = "crosstenant.audit.witness.errors";

    private static final Logger LOG = Logger.getLogger(Witnesses.class);
    private static final Pattern SIZE = Pattern.compile("(0|[1-9][0-9]{0,18})\n");
    private static final int MAX_DETAIL = 300;

    /** A configured witness and what this instance knows of it. */
    private static final class Target {
        final String name;
        final WitnessesConfig.Witness config;
        final NoteKey key;
        /** The size it cosigned last, as far as known here; -1 until read from the stored cosignatures. */
        final AtomicLong known = new AtomicLong(-1);
        final AtomicBoolean busy = new AtomicBoolean();
        /** Set by a refusal, cleared by a cosignature: one alert record per episode, not one per checkpoint. */
        final AtomicBoolean refusing = new AtomicBoolean();
        /** The size it refused last: not submitted again (the next checkpoint is). */
        final AtomicLong refused = new AtomicLong(-1);

        Target(String name, WitnessesConfig.Witness config) {
            this.name = name;
            this.config = config;
            this.key = NoteKey.parse(config.vkey().trim());
            if (key.type() != NoteKey.COSIGNATURE) {
                throw new IllegalArgumentException("crosstenant.audit.witnesses." + name + ".vkey must be a"
                        + " cosignature key (type 0x04)");
            }
            if (!config.url().startsWith("http://") && !config.url().startsWith("https://")) {
                throw new IllegalArgumentException("crosstenant.audit.witnesses." + name + ".url must be http(s)");
            }
        }
    }

    private final Map<String, Target> targets = new LinkedHashMap<>();
    private final Pool pool;
    private final CheckpointRepository checkpoints;
    private final CosignatureRepository cosignatures;
    private final AuditProofs proofs;
    private final WitnessClient client;
    private final AuditLog auditLog;
    private final OutboxRelay relay;
    private final MeterRegistry registry;

    public Witnesses(WitnessesConfig config, Pool pool, CheckpointRepository checkpoints,
            CosignatureRepository cosignatures, AuditProofs proofs, WitnessClient client, AuditLog auditLog,
            OutboxRelay relay, MeterRegistry registry) {
        config.all().forEach((name, witness) -> targets.put(name, new Target(name, witness)));
        this.pool = pool;
        this.checkpoints = checkpoints;
        this.cosignatures = cosignatures;
        this.proofs = proofs;
        this.client = client;
        this.auditLog = auditLog;
        this.relay = relay;
        this.registry = registry;
        targets.keySet().forEach(name -> registry.counter(REFUSALS, "witness", name));
    }

    @Scheduled(every = "${crosstenant.audit.checkpoint.interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        trigger();
    }

    /** Submits the latest checkpoint to every witness that has not cosigned it, without waiting. */
    public void trigger() {
        if (targets.isEmpty()) {
            return;
        }
        checkpoints.latest(pool).subscribe().with(
                latest -> latest.ifPresent(checkpoint -> targets.values().forEach(t -> submit(t, checkpoint))),
                failure -> LOG.warnf("cannot read the latest checkpoint for the witnesses: %s", failure.toString()));
    }

    /**
     * @param checkpoint a stored checkpoint
     * @return its signed note with the stored witness cosignature lines appended (log signature first)
     */
    public Uni<String> cosignedNote(StoredCheckpoint checkpoint) {
        return cosignatures.lines(pool, checkpoint.treeSize())
                .map(lines -> checkpoint.note() + String.join("", lines));
    }

    private void submit(Target target, StoredCheckpoint checkpoint) {
        if (target.known.get() >= checkpoint.treeSize() || target.refused.get() == checkpoint.treeSize()
                || !target.busy.compareAndSet(false, true)) {
            return;
        }
        Uni<Long> old = target.known.get() >= 0 ? Uni.createFrom().item(target.known.get())
                : cosignatures.latestSize(pool, target.name).map(size -> size.orElse(0L));
        old.flatMap(size -> attempt(target, checkpoint, size, true))
                .onTermination().invoke(() -> target.busy.set(false))
                .subscribe().with(done -> { }, failure -> error(target, "unavailable", failure.toString()));
    }

    private Uni<Void> attempt(Target target, StoredCheckpoint checkpoint, long old, boolean mayResync) {
        long size = checkpoint.treeSize();
        if (old > size) {
            return witnessAhead(target, checkpoint, old);
        }
        Uni<List<String>> proof = old == 0 || old == size ? Uni.createFrom().item(List.of())
                : Uni.createFrom().deferred(() -> proofs.consistency(old, size)).map(p -> p.proof());
        return proof.map(Optional::of).onFailure(ProofRequestException.class).recoverWithItem(Optional.empty())
                .flatMap(found -> {
                    if (found.isEmpty()) {
                        return alert(target, checkpoint, "unknown-size", 409, "the witness cosigned size " + old
                                + ", which this log never signed");
                    }
                    List<String> lines = found.get();
                    StringBuilder body = new StringBuilder("old ").append(old).append('\n');
                    lines.forEach(line -> body.append(line).append('\n'));
                    body.append('\n').append(checkpoint.note());
                    return client.addCheckpoint(target.config.url(), body.toString(), target.config.timeout())
                            .flatMap(answer -> answered(target, checkpoint, answer, mayResync));
                });
    }

    private Uni<Void> answered(Target target, StoredCheckpoint checkpoint, WitnessClient.Answer answer,
            boolean mayResync) {
        return switch (answer.status()) {
            case 200 -> store(target, checkpoint, answer.body());
            case 409 -> {
                if (!answer.contentType().startsWith("text/x.tlog.size") || !SIZE.matcher(answer.body()).matches()) {
                    error(target, "bad-answer", "a 409 without a text/x.tlog.size body");
                    yield Uni.createFrom().voidItem();
                }
                long latest = Long.parseLong(answer.body().trim());
                target.known.set(latest);
                yield mayResync || latest > checkpoint.treeSize() ? attempt(target, checkpoint, latest, false)
                        : Uni.createFrom().voidItem();
            }
            case 422 -> alert(target, checkpoint, "refused", 422, answer.body());
            default -> {
                error(target, "status-" + answer.status(), answer.body());
                yield Uni.createFrom().voidItem();
            }
        };
    }

    /** The witness cosigned a larger tree: benign when this log signed that size (another instance got there first). */
    private Uni<Void> witnessAhead(Target target, StoredCheckpoint checkpoint, long witnessSize) {
        return checkpoints.bySizes(pool, List.of(witnessSize)).flatMap(found -> found.isEmpty()
                ? alert(target, checkpoint, "witness-ahead", 409, "the witness cosigned a tree of " + witnessSize
                        + " records; this log signed no checkpoint of that size")
                : Uni.createFrom().voidItem());
    }

    private Uni<Void> store(Target target, StoredCheckpoint checkpoint, String answer) {
        SignedNote.NoteSignature cosignature;
        try {
            SignedNote cosigned = SignedNote.parse(checkpoint.note() + answer);
            cosigned.verify(List.of(target.key));
            cosignature = cosigned.signatures().stream().filter(s -> s.keyName().equals(target.key.name())
                    && s.keyId() == target.key.keyId()).findFirst().orElseThrow();
        } catch (InvalidNoteException e) {
            error(target, "bad-cosignature", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        long timestamp = ByteBuffer.wrap(cosignature.signature(), 0, 8).getLong();
        if (timestamp <= 0) {
            error(target, "bad-cosignature", "a cosignature without a timestamp");
            return Uni.createFrom().voidItem();
        }
        return cosignatures.insert(pool, target.name, checkpoint.treeSize(), cosignature.line(),
                Instant.ofEpochSecond(timestamp)).invoke(() -> {
                    target.known.set(checkpoint.treeSize());
                    target.refusing.set(false);
                    LOG.debugf("witness %s cosigned the checkpoint of %d records", target.name, checkpoint.treeSize());
                });
    }

    /** A split view or inconsistency seen by a witness: alert record, metric, error log. */
    private Uni<Void> alert(Target target, StoredCheckpoint checkpoint, String reason, int status, String answer) {
        String root = Base64.getEncoder().encodeToString(checkpoint.rootHash());
        String detail = printable(answer);
        target.refused.set(checkpoint.treeSize());
        registry.counter(REFUSALS, "witness", target.name).increment();
        if (target.refusing.getAndSet(true)) {
            LOG.warnf("witness %s still refuses: checkpoint of %d records (%s): %s", target.name,
                    checkpoint.treeSize(), reason, detail);
            return Uni.createFrom().voidItem(); // this episode has its alert record already
        }
        LOG.errorf("ALERT witness %s (tenant %s) refused the audit checkpoint of %d records (%s): %s", target.name,
                target.config.tenant(), checkpoint.treeSize(), reason, detail);
        ObjectNode details = JsonNodeFactory.instance.objectNode().put("witness", target.name)
                .put("witnessKey", target.key.vkey()).put("reason", reason).put("status", status)
                .put("treeSize", checkpoint.treeSize()).put("rootHash", root).put("answer", detail);
        AuditDraft draft = new AuditDraft(List.of(target.config.tenant()), REFUSED_ACTION, "refused", null,
                target.config.tenant(), null, null, null, Instant.now(), details);
        // one record per witness, checkpoint and reason, however often (or by however many instances) it is seen
        UUID id = UUID.nameUUIDFromBytes(("witness-refused/" + target.name + "/" + checkpoint.treeSize() + "/" + root
                + "/" + reason).getBytes(StandardCharsets.UTF_8));
        return auditLog.append(List.of(new AuditInput(new IncomingEvent("audit.witnesses", id, REFUSED_TYPE,
                        details.toString()), draft)))
                .invoke(appended -> {
                    if (!appended.isEmpty()) {
                        relay.committed(appended);
                    }
                }).replaceWithVoid();
    }

    private void error(Target target, String kind, String detail) {
        registry.counter(ERRORS, "witness", target.name, "kind", kind).increment();
        LOG.warnf("witness %s: %s (%s); retried at the next checkpoint interval", target.name, kind, printable(detail));
    }

    /** At most {@value #MAX_DETAIL} characters of a witness's answer, without control characters. */
    private static String printable(String text) {
        String clean = text == null ? "" : text.replaceAll("\\p{Cntrl}", " ");
        return clean.length() > MAX_DETAIL ? clean.substring(0, MAX_DETAIL) + "…" : clean;
    }
}
