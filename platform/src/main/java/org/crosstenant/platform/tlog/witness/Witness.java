package org.crosstenant.platform.tlog.witness;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

import org.crosstenant.platform.tlog.Checkpoint;
import org.crosstenant.platform.tlog.InvalidNoteException;
import org.crosstenant.platform.tlog.InvalidProofException;
import org.crosstenant.platform.tlog.MerkleHash;
import org.crosstenant.platform.tlog.MerkleProofs;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.NoteSigner;
import org.crosstenant.platform.tlog.SignedNote;
import org.jboss.logging.Logger;

/**
 * A C2SP tlog-witness: checks a submitted checkpoint against the latest one it cosigned for that log and cosigns it
 * (C2SP tlog-cosignature v1, Ed25519) when the log only grew. Follows the spec's {@code add-checkpoint} rules: unknown
 * origin 404; no verifying signature of the log's key, or one that fails, 403; old size larger than the checkpoint's
 * 400; old size other than its latest 409 (the caller answers {@code text/x.tlog.size}); size 0 with a root other than
 * the empty tree's, a non-empty proof from 0, a different root at the same size, or a consistency proof that does not
 * verify 422. The check and the update of an origin's state are one step under that origin's lock, and the new state
 * is stored durably before the cosignature is returned.
 * <p>
 * Only evidence against the log alerts: a checkpoint that verifies with the log's key and is a split view
 * ({@value #SPLIT_VIEW}: its cosigned size with another root — two statements the log signed that cannot both be
 * true). That is logged at ERROR as {@code ALERT} and reported to the refusal listener. A larger checkpoint whose
 * consistency proof fails ({@value #INCONSISTENT}) is refused (422) and never cosigned, but not alarmed: the proof is
 * the caller's, so it proves nothing against the log (the log, submitting its own, alerts on that 422). The log signature is checked before anything that can alert. Every other
 * refusal ({@link WitnessRefusal#alarm()} false) can be caused by anyone who reaches the witness — no or an invalid
 * log signature ({@value #BAD_SIGNATURE}), an unknown origin ({@value #UNKNOWN_ORIGIN}), a replayed older checkpoint
 * ({@value #ROLLBACK}, 409 with the latest size as the spec says), a stale {@code old} size ({@value #OLD_SIZE}) — so
 * it is neither alerted nor reported, and logged at DEBUG only.
 */
public final class Witness {

    /** Alarm reason: a verified checkpoint of the cosigned size with another root. */
    public static final String SPLIT_VIEW = "split-view";
    /** Rejection reason (422, no alarm): a verified larger checkpoint whose consistency proof does not verify. */
    public static final String INCONSISTENT = "inconsistent";
    /** Rejection reason: no signature of the log's key, or one that does not verify. */
    public static final String BAD_SIGNATURE = "bad-signature";
    /** Rejection reason: an origin this witness does not witness. */
    public static final String UNKNOWN_ORIGIN = "unknown-origin";
    /** Rejection reason: a validly signed checkpoint smaller than the cosigned one (a replay; 409). */
    public static final String ROLLBACK = "rollback";
    /** Rejection reason: {@code old} is not the latest cosigned size (409, the client resyncs). */
    public static final String OLD_SIZE = "old-size";

    private static final Logger LOG = Logger.getLogger(Witness.class);

    private final NoteSigner signer;
    private final Map<String, List<NoteKey>> logs;
    private final Map<String, ReentrantLock> locks;
    private final StateStore state;
    private final Clock clock;
    private final BiConsumer<String, String> refusals;

    /**
     * A witness that trusts one key per log.
     *
     * @param signer   the witness's cosignature key ({@link NoteKey#COSIGNATURE})
     * @param logs     per origin, the log's verifier key ({@link NoteKey#ED25519})
     * @param state    where the latest cosigned checkpoints are kept
     * @param clock    the cosignatures' time (POSIX seconds, never 0)
     * @param refusals told (origin, reason) of every alarm: a checkpoint verified with the log's key that is a
     *                 {@value #SPLIT_VIEW} or {@value #INCONSISTENT}; never of a rejected request
     * @throws IllegalArgumentException when the signer is not a cosignature key or a log key is not a plain one
     */
    public Witness(NoteSigner signer, Map<String, NoteKey> logs, StateStore state, Clock clock,
            BiConsumer<String, String> refusals) {
        this(signer, state, clock, refusals, logs.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> List.of(e.getValue()))));
    }

    /**
     * A witness that trusts, per log, any of several keys: while a log rotates its key it signs each checkpoint with
     * the old and the new key (C2SP signed-note: a verifier ignores signatures of keys it does not know), and a
     * witness configured with both keeps cosigning whichever of them the log's checkpoints carry. A checkpoint is
     * accepted when at least one of the log's keys signed it and no signature of one of them fails.
     *
     * @param signer   the witness's cosignature key ({@link NoteKey#COSIGNATURE})
     * @param logs     per origin, the log's verifier keys ({@link NoteKey#ED25519}), at least one each
     * @param state    where the latest cosigned checkpoints are kept
     * @param clock    the cosignatures' time (POSIX seconds, never 0)
     * @param refusals told (origin, reason) of every alarm, as for the one-key constructor
     * @return the witness
     * @throws IllegalArgumentException when the signer is not a cosignature key, a log key is not a plain one or a
     *                                  log has no key
     */
    public static Witness withKeySets(NoteSigner signer, Map<String, List<NoteKey>> logs, StateStore state,
            Clock clock, BiConsumer<String, String> refusals) {
        return new Witness(signer, state, clock, refusals, logs);
    }

    private Witness(NoteSigner signer, StateStore state, Clock clock, BiConsumer<String, String> refusals,
            Map<String, List<NoteKey>> logs) {
        if (signer.verifierKey().type() != NoteKey.COSIGNATURE) {
            throw new IllegalArgumentException("the witness key must be a cosignature key (type 0x04)");
        }
        logs.forEach((origin, keys) -> {
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("the log " + origin + " has no key");
            }
            keys.forEach(key -> {
                if (key.type() != NoteKey.ED25519) {
                    throw new IllegalArgumentException("a log's key " + key.name() + " must be an Ed25519 note key");
                }
            });
        });
        this.signer = signer;
        this.logs = logs.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> List.copyOf(e.getValue())));
        this.locks = logs.keySet().stream().collect(Collectors.toUnmodifiableMap(o -> o, o -> new ReentrantLock()));
        this.state = state;
        this.clock = clock;
        this.refusals = refusals;
    }

    /** @return the key that verifies this witness's cosignatures */
    public NoteKey verifierKey() {
        return signer.verifierKey();
    }

    /**
     * Handles an {@code add-checkpoint} request.
     *
     * @param request the parsed body
     * @return the cosignature lines of the 200 answer (each {@code — <name> <base64>\n})
     * @throws WitnessRefusal with the status to answer (409: {@link WitnessRefusal#latestSize()})
     */
    public String addCheckpoint(AddCheckpointRequest request) {
        Checkpoint checkpoint = request.checkpoint();
        String origin = checkpoint.origin();
        List<NoteKey> logKeys = logs.get(origin);
        if (logKeys == null) {
            throw reject(404, UNKNOWN_ORIGIN, "this witness does not witness that origin", -1);
        }
        SignedNote logSigned;
        try {
            request.note().verify(logKeys);
            // one signature line per known key: a replayed note with a line repeated (up to the parser's limit)
            // must neither overflow the cosigned note nor be kept as sent
            List<SignedNote.NoteSignature> kept = new ArrayList<>();
            for (SignedNote.NoteSignature s : request.note().signatures()) {
                if (logKeys.stream().anyMatch(k -> s.keyName().equals(k.name()) && s.keyId() == k.keyId())
                        && kept.stream().noneMatch(k -> k.keyName().equals(s.keyName()) && k.keyId() == s.keyId())) {
                    kept.add(s);
                }
            }
            logSigned = new SignedNote(request.note().text(), kept);
        } catch (InvalidNoteException e) {
            throw reject(403, BAD_SIGNATURE, "the checkpoint is not signed by the log's key: " + e.getMessage(),
                    -1);
        }
        if (checkpoint.size() == 0 && !Arrays.equals(checkpoint.rootHash(), MerkleHash.emptyRoot())) {
            throw WitnessRefusal.of(422, "a checkpoint of size 0 has the empty tree's root");
        }
        ReentrantLock lock = locks.get(origin);
        lock.lock();
        try {
            Optional<Checkpoint> latest = state.latest(origin).map(note -> Checkpoint.parse(note.text()));
            long latestSize = latest.map(Checkpoint::size).orElse(0L);
            if (checkpoint.size() < latestSize) {
                throw reject(409, ROLLBACK, "the witness cosigned a larger tree of this log (" + latestSize
                        + " leaves) than this checkpoint (" + checkpoint.size() + ")", latestSize);
            }
            if (request.oldSize() != latestSize) {
                throw reject(409, OLD_SIZE, "the witness's latest cosigned size is " + latestSize, latestSize);
            }
            check(request, checkpoint, latest);
            SignedNote cosigned = logSigned.with(List.of(signer.cosign(checkpoint.text(), now())));
            state.store(origin, cosigned);
            return cosigned.signatures().get(cosigned.signatures().size() - 1).line();
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param originHash the lower-case hex SHA-256 of an origin
     * @return the latest checkpoint this witness cosigned for that log, with the log's signature and its cosignature
     */
    public Optional<SignedNote> latest(String originHash) {
        return logs.keySet().stream().filter(origin -> StateStore.originHash(origin).equals(originHash)).findFirst()
                .flatMap(state::latest);
    }

    private void check(AddCheckpointRequest request, Checkpoint checkpoint, Optional<Checkpoint> latest) {
        String origin = checkpoint.origin();
        if (latest.isEmpty() || latest.get().size() == 0) {
            if (!request.proof().isEmpty()) {
                throw WitnessRefusal.of(422, "a consistency proof from size 0 is empty");
            }
            return;
        }
        Checkpoint known = latest.get();
        if (known.size() == checkpoint.size()) {
            if (!Arrays.equals(known.rootHash(), checkpoint.rootHash())) {
                throw alarm(origin, SPLIT_VIEW, "the witness cosigned size " + known.size()
                        + " with the root " + Base64.getEncoder().encodeToString(known.rootHash())
                        + ", not this checkpoint's");
            }
            if (!request.proof().isEmpty()) {
                throw WitnessRefusal.of(422, "a consistency proof between equal sizes is empty");
            }
            return;
        }
        try {
            MerkleProofs.verifyConsistency(known.size(), checkpoint.size(), known.rootHash(), checkpoint.rootHash(),
                    request.proof());
        } catch (InvalidProofException e) {
            // refused, never cosigned, but no alarm here: the failing proof is the caller's, and anyone holding a
            // genuine newer checkpoint can send it with a bad one. The log that submits its own checkpoint and gets
            // this 422 raises the alert (audit-service's audit.witness-refused record).
            throw WitnessRefusal.rejected(422, INCONSISTENT, "the checkpoint is not consistent with the witness's"
                    + " latest (" + known.size() + " leaves): " + e.getMessage(), -1);
        }
    }

    /** Evidence against the log (the checkpoint verified with its key): alerted and reported. */
    private WitnessRefusal alarm(String origin, String reason, String detail) {
        LOG.errorf("ALERT witness refused a checkpoint of %s (%s): %s", origin, reason, detail);
        refusals.accept(origin, reason);
        return WitnessRefusal.alarm(422, reason, detail);
    }

    /**
     * A request anyone could send: not reported, logged at DEBUG only (without the caller's origin, which may be
     * anything) so that an unauthenticated caller cannot fill the log.
     */
    private static WitnessRefusal reject(int status, String reason, String detail, long latestSize) {
        LOG.debugf("witness rejected an add-checkpoint request (%s)", reason);
        return WitnessRefusal.rejected(status, reason, detail, latestSize);
    }

    /** POSIX seconds, at least 1 (the protocol forbids a zero timestamp). */
    private long now() {
        return Math.max(1, clock.millis() / 1000);
    }
}
