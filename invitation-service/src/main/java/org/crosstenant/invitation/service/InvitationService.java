package org.crosstenant.invitation.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.config.InvitationConfig;
import org.crosstenant.invitation.messaging.AccessWithdrawal;
import org.crosstenant.invitation.messaging.InvitationEvents;
import org.crosstenant.invitation.messaging.OutboxRelay;
import org.crosstenant.invitation.messaging.PoisonMessageException;
import org.crosstenant.invitation.messaging.PolicyDecision;
import org.crosstenant.invitation.messaging.PolicyMessage;
import org.crosstenant.invitation.messaging.SsfPushWorker;
import org.crosstenant.invitation.model.Caller;
import org.crosstenant.invitation.model.Identifiers;
import org.crosstenant.invitation.model.Invitation;
import org.crosstenant.invitation.model.InvitationRules;
import org.crosstenant.invitation.model.InvitationStatus;
import org.crosstenant.invitation.model.OutboxEvent;
import org.crosstenant.invitation.repository.FilingRepository;
import org.crosstenant.invitation.repository.IdempotencyRepository;
import org.crosstenant.invitation.repository.InboxRepository;
import org.crosstenant.invitation.repository.InvitationRepository;
import org.crosstenant.invitation.repository.InvitationRulesRepository;
import org.crosstenant.invitation.repository.RegistryEpochRepository;
import org.crosstenant.invitation.repository.OutboxRepository;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The invitation lifecycle. Every state change commits together with its outbox row; the relay is triggered only
 * after the commit, so nothing is published for a transaction that rolled back.
 */
@ApplicationScoped
public class InvitationService {

    private static final Logger LOG = Logger.getLogger(InvitationService.class);

    // the same rules as policy-service (model/Identifiers): anything looser would be accepted here (202) and
    // dead-lettered there
    /** Body fields as problems name them: JSON pointers (RFC 6901) into the filing body, as every service does. */
    public static final String RESOURCE_TENANT = "/resourceTenant";
    public static final String APPLICATION = "/application";
    public static final String INVITEE_TENANT = "/invitee/tenant";
    public static final String INVITEE_EMAIL = "/invitee/email";
    private static final String ID_RULE = " must match [a-z0-9][a-z0-9-]{1,62} (2 to 63 characters, not starting with -)";
    /** Most characters of an {@code Idempotency-Key} (the {@code idempotency_key} column). */
    static final int MAX_IDEMPOTENCY_KEY = 200;
    /** Most characters of a redemption code a caller may offer (codes this service issues are far shorter). */
    static final int MAX_REDEMPTION_CODE = 128;

    private final InvitationRepository invitations;
    private final OutboxRepository outbox;
    private final InboxRepository inbox;
    private final IdempotencyRepository idempotency;
    private final FilingRepository filing;
    private final InvitationEvents events;
    private final OutboxRelay relay;
    private final RedemptionCodes codes;
    private final InvitationConfig config;
    private final ObjectMapper json;
    private final TenantRegistry tenants;
    private final InvitationRulesRepository rules;
    private final SecurityEvents securityEvents;
    private final SsfPushWorker push;
    private final RegistryEpochRepository epochs;
    /** Whether this instance's tenant registry was in force at the last domain sweep (to log changes only). */
    private volatile boolean registryInForce = true;

    public InvitationService(InvitationRepository invitations, OutboxRepository outbox, InboxRepository inbox,
            IdempotencyRepository idempotency, FilingRepository filing, InvitationEvents events, OutboxRelay relay, RedemptionCodes codes,
            InvitationConfig config, ObjectMapper json, TenantRegistry tenants, InvitationRulesRepository rules,
            SecurityEvents securityEvents, SsfPushWorker push, RegistryEpochRepository epochs) {
        this.epochs = epochs;
        this.securityEvents = securityEvents;
        this.push = push;
        this.invitations = invitations;
        this.outbox = outbox;
        this.inbox = inbox;
        this.idempotency = idempotency;
        this.filing = filing;
        this.events = events;
        this.relay = relay;
        this.codes = codes;
        this.config = config;
        this.json = json;
        this.tenants = tenants;
        this.rules = rules;
    }

    public record Filed(Invitation invitation, boolean created) {
    }

    /**
     * The outcome of a state-changing call: the invitation as it is now and the id of the outbox row (= the
     * CloudEvent {@code id} on {@code invitations.events}) the change wrote, which the REST layer names in
     * {@code Crosstenant-View-Events} so that the gateway can wait for its own view to pass it (issue #8,
     * read-your-writes).
     */
    public record Changed(Invitation invitation, UUID eventId) {
    }

    // ---------------------------------------------------------------- filing

    /**
     * Checks syntax and limits (422) and returns the canonical request: tenant ids lower-cased (ASCII letters only, so
     * no other character can become one), the application id as given (stripped), the email canonical
     * ({@link Identifiers#canonicalEmail}) and checked on that form. A missing field is the caller's job to report as
     * 400.
     *
     * @throws ProblemException 400 {@code not-canonical} ({@code field} {@code /invitee/email}) for an address not in
     *                          canonical form, listing every fault; 422 {@code limit-exceeded} for an address over
     *                          its byte limits; 422 {@code invalid-invitation} for a malformed id (the first such
     *                          field, by JSON pointer) or when both tenants are the same
     */
    public static NewInvitation validate(String resourceTenant, String application, String inviteeTenant,
            String inviteeEmail) {
        List<String> problems = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        String rt = lowerAscii(stripSpaces(resourceTenant));
        String it = lowerAscii(stripSpaces(inviteeTenant));
        String app = stripSpaces(application);
        String email = Identifiers.canonicalEmail(inviteeEmail);
        if (!Identifiers.isId(rt)) {
            problems.add(RESOURCE_TENANT + ID_RULE);
            fields.add(RESOURCE_TENANT);
        }
        if (!Identifiers.isId(it)) {
            problems.add(INVITEE_TENANT + ID_RULE);
            fields.add(INVITEE_TENANT);
        }
        if (!Identifiers.isId(app)) {
            problems.add(APPLICATION + ID_RULE);
            fields.add(APPLICATION);
        }
        Identifiers.Refusal refusal = Identifiers.emailViolation(email);
        if (refusal != null && refusal.limit() != null) {
            throw ProblemException.overLimit(INVITEE_EMAIL, refusal.limit(), INVITEE_EMAIL + " " + refusal.reason());
        }
        if (refusal != null) {
            // an address not in the one canonical form every service compares is ambiguous: 400 (issue #7)
            problems.add(INVITEE_EMAIL + " " + refusal.reason());
            throw ProblemException.notCanonical(INVITEE_EMAIL, String.join("; ", problems));
        }
        if (!problems.isEmpty()) {
            throw ProblemException.unprocessable("invalid-invitation", "Invalid invitation request",
                    String.join("; ", problems), fields.get(0), null);
        }
        if (rt.equals(it)) {
            throw ProblemException.unprocessable("invalid-invitation", "Invalid invitation request",
                    RESOURCE_TENANT + " and " + INVITEE_TENANT
                            + " must differ: members of a tenant need no invitation", RESOURCE_TENANT, null);
        }
        return new NewInvitation(rt, app, it, email);
    }

    /**
     * Checks an {@code Idempotency-Key} header: 1 to {@value #MAX_IDEMPOTENCY_KEY} characters of printable ASCII
     * (stored as given, so none may be lost or changed on the way to the database).
     *
     * @throws ProblemException 422 naming the limit when longer, 400 when empty or not printable ASCII
     */
    static void checkIdempotencyKey(String key) {
        if (key.length() > MAX_IDEMPOTENCY_KEY) {
            throw ProblemException.overLimit("Idempotency-Key", MAX_IDEMPOTENCY_KEY, "Idempotency-Key is "
                    + key.length() + " characters; the limit is " + MAX_IDEMPOTENCY_KEY + " characters");
        }
        if (key.isBlank() || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw ProblemException.badField("Idempotency-Key", "Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY
                    + " characters of printable ASCII");
        }
    }

    /**
     * Files an invitation: the invitation, its {@code requested.v1} outbox row and the Idempotency-Key claim commit in
     * one statement ({@link FilingRepository}); the relay is triggered after that commit. A key already claimed by the
     * same caller answers as the first request did (the same invitation, {@code created} false) when the request is
     * the same, and 422 {@code idempotency-key-reused} when it is not.
     *
     * <p>
     * Before anything is written: the invitee's address must be of one of the invitee tenant's registered domains
     * ({@link TenantRegistry}), and the resource tenant's invitation rules for the invitee's tenant (the local view
     * {@link InvitationRulesRepository}, no remote call) must let this filer invite and admit the address's domain.
     * At most one live request per (resource tenant, application, invitee canonical email) exists (database index
     * {@code invitation_one_live}, so two concurrent filings cannot both win).
     *
     * @param caller         the authenticated caller
     * @param request        the validated, canonical request ({@link #validate})
     * @param idempotencyKey the {@code Idempotency-Key} header, or null
     * @return the invitation and whether this call created it
     * @throws ProblemException 403 when the caller may not file it (role); 422 {@code /resourceTenant} for a resource
     *                          tenant not in the tenant registry; 422 {@code /invitee/email} for an address outside
     *                          the invitee tenant's domains; for a refusal by the resource tenant's invitation rules,
     *                          to its admin 403 (whoMayInvite) or 422 {@code /invitee/email} (domain lists) naming the
     *                          rule, to a partner system 403 {@link InvitationRules#refusesRequest} whichever rule it
     *                          was; 409 {@code invitation-exists} naming the live request; 400/422 for a bad key
     */
    public Uni<Filed> file(Caller caller, NewInvitation request, String idempotencyKey) {
        String role = filingRole(caller, request);
        if (idempotencyKey != null) {
            checkIdempotencyKey(idempotencyKey);
        }
        if (!tenants.isRegistered(request.resourceTenant())) {
            // a well-formed id nobody registered would be accepted here and only denied later: refused at once
            throw ProblemException.unprocessable("invalid-invitation", "Invalid invitation request",
                    "no tenant " + request.resourceTenant() + " is registered", RESOURCE_TENANT, null);
        }
        String notOwn = tenants.violation(request.inviteeTenant(), request.inviteeEmail());
        if (notOwn != null) {
            throw inviteeEmail(INVITEE_EMAIL + " " + notOwn);
        }
        return rules.effective(request.resourceTenant(), request.inviteeTenant()).flatMap(effective -> {
            // the rules are the resource tenant's: its admin reads which one refused; the home side reads one status
            // and one text for any of them, so not even the status tells who-may-invite from the domain lists
            boolean ruleOwner = Caller.ADMIN.equals(role);
            String filer = effective.filerViolation(request.resourceTenant(), role);
            String domain = effective.domainViolation(request.resourceTenant(), request.inviteeEmail());
            if (!ruleOwner && (filer != null || domain != null)) {
                throw ProblemException.forbidden(InvitationRules.refusesRequest(request.resourceTenant()));
            }
            if (filer != null) {
                throw ProblemException.forbidden(filer);
            }
            if (domain != null) {
                throw inviteeEmail(INVITEE_EMAIL + " " + domain);
            }
            return insert(caller, role, request, idempotencyKey, 2);
        });
    }

    private static ProblemException inviteeEmail(String detail) {
        return ProblemException.unprocessable("invalid-invitation", "Invalid invitation request", detail,
                INVITEE_EMAIL, null);
    }

    /**
     * Inserts the request; a collision with a live request answers 409 naming it. Should that live request end
     * between the failed insert and the look-up, the insert is tried again ({@code attempts} in all).
     */
    private Uni<Filed> insert(Caller caller, String role, NewInvitation request, String idempotencyKey,
            int attempts) {
        return insertOnce(caller, role, request, idempotencyKey)
                .onFailure(FilingRepository::isLiveCollision).recoverWithUni(collision -> filing.liveId(request)
                        .flatMap(existing -> {
                            if (existing != null) {
                                return Uni.createFrom().failure(ProblemException.invitationExists(existing,
                                        "A live invitation " + existing + " already exists for "
                                                + request.inviteeEmail() + " to " + request.resourceTenant() + "/"
                                                + request.application()));
                            }
                            return attempts > 1 ? insert(caller, role, request, idempotencyKey, attempts - 1)
                                    : Uni.createFrom().failure(collision);
                        }));
    }

    private Uni<Filed> insertOnce(Caller caller, String role, NewInvitation request, String idempotencyKey) {
        Instant now = now();
        String hash = sha256(request.canonical());
        Invitation inv = newInvitation(UUID.randomUUID(), caller, role, request, now);
        return filing.file(inv, events.requested(inv, now), idempotencyKey, hash).flatMap(created -> {
            if (created) {
                relay.trigger();
                return Uni.createFrom().item(new Filed(inv, true));
            }
            // the key was claimed before, or by a concurrent request that committed first: answer as it did
            return Panache.withSession(() -> idempotency.find(caller.tenant(), caller.subject(), idempotencyKey)
                    .flatMap(existing -> replay(existing, hash, idempotencyKey)));
        });
    }

    /** A partner asks for its own person; an admin of the resource tenant invites. Anyone else may not file. */
    static String filingRole(Caller caller, NewInvitation request) {
        if (caller.isAdminOf(request.resourceTenant())) {
            return Caller.ADMIN;
        }
        if (caller.isPartnerOf(request.inviteeTenant())) {
            return Caller.PARTNER;
        }
        throw ProblemException.forbidden("Only a collab-partner of " + request.inviteeTenant()
                + " or a collab-admin of " + request.resourceTenant() + " may file this invitation");
    }

    private Uni<Filed> replay(IdempotencyRepository.Entry entry, String hash, String key) {
        if (!entry.requestHash().equals(hash)) {
            return Uni.createFrom().failure(ProblemException.unprocessable("idempotency-key-reused",
                    "Idempotency-Key reused with another request",
                    "Idempotency-Key '" + key + "' was already used for a different request body"));
        }
        return invitations.findById(entry.invitationId()).map(inv -> new Filed(inv, false));
    }

    private Invitation newInvitation(UUID id, Caller caller, String role, NewInvitation request, Instant now) {
        Invitation inv = new Invitation();
        inv.id = id;
        inv.resourceTenant = request.resourceTenant();
        inv.application = request.application();
        inv.inviteeTenant = request.inviteeTenant();
        inv.inviteeEmail = request.inviteeEmail();
        inv.requestedByTenant = caller.tenant();
        inv.requestedBySubject = caller.subject();
        inv.requestedByEmail = caller.email();
        inv.requestedByRole = role;
        inv.status = InvitationStatus.REQUESTED;
        inv.createdAt = now;
        inv.updatedAt = now;
        inv.expiresAt = now.plus(config.expiry());
        return inv;
    }

    // ---------------------------------------------------------------- reading

    /** Unknown and invisible invitations look the same (404): existence is not revealed to outsiders. */
    public Uni<Invitation> view(Caller caller, UUID id) {
        return Panache.withSession(() -> invitations.findById(id)).map(inv -> {
            if (inv == null || !visibleTo(caller, inv)) {
                throw ProblemException.notFound("No invitation " + id + " visible to you");
            }
            return inv;
        });
    }

    public static boolean isFiler(Caller caller, Invitation inv) {
        return caller.tenant().equals(inv.requestedByTenant) && caller.subject().equals(inv.requestedBySubject);
    }

    public static boolean isInvitee(Caller caller, Invitation inv) {
        // the caller's email is canonical already (CallerFactory), the stored one too: compared one way only
        return caller.tenant().equals(inv.inviteeTenant) && caller.email() != null
                && caller.email().equals(inv.inviteeEmail);
    }

    static boolean visibleTo(Caller caller, Invitation inv) {
        return isFiler(caller, inv) || caller.isAdminOf(inv.resourceTenant) || caller.isAdminOf(inv.inviteeTenant)
                || isInvitee(caller, inv);
    }

    /**
     * For an action the caller may not perform: 403 to whoever may see the invitation or belongs to one of its two
     * tenants (they are party to it), 404 to anyone of a third tenant, exactly as GET would answer them, so an
     * outsider cannot tell a foreign invitation from an unknown id.
     */
    static ProblemException refusal(Caller caller, Invitation inv, String forbiddenDetail) {
        boolean party = visibleTo(caller, inv) || caller.tenant().equals(inv.resourceTenant)
                || caller.tenant().equals(inv.inviteeTenant);
        return party ? ProblemException.forbidden(forbiddenDetail)
                : ProblemException.notFound("No invitation " + inv.id + " visible to you");
    }

    // ---------------------------------------------------------------- policy decisions

    /**
     * One record of a {@code policy.decisions} batch, already validated as a CloudEvent and parsed: a decided.v1
     * ({@link PolicyDecision}) or an access-withdrawn.v1 ({@link AccessWithdrawal}).
     */
    public record DecisionEvent(UUID eventId, String eventType, PolicyMessage message) {
    }

    /**
     * What {@link #applyDecisions} did with a batch.
     *
     * @param changed  invitations moved out of {@code requested} by a decision, or ended by a withdrawal (one outbox
     *                 row each)
     * @param rejected poison found only against the database (unknown invitation, tenants or application not
     *                 matching), keyed by the event's position in the input list; their ids are not put in the inbox,
     *                 so a retried batch rejects them again instead of forgetting them
     */
    public record DecisionOutcome(int changed, Map<Integer, PoisonMessageException> rejected) {
    }

    /**
     * Applies a batch of decided.v1 and access-withdrawn.v1 events in one transaction, each event at most once, in
     * list order (the consumer passes a poll's records in partition order, so one invitation's decision and
     * withdrawal keep their order: a withdrawal after the decision ends what the decision made). Set-based: one
     * inbox look-up for the batch's ids, one locking read of the batch's invitations, the changed invitations flushed
     * in one JDBC-style batch, one multi-row outbox insert and one multi-row inbox insert, then one relay trigger.
     * A ce_id seen earlier in the same list or already in the inbox is a redelivery and skipped. A decision for an
     * invitation that is no longer {@code requested}, and a withdrawal of one already ended, change nothing (logged)
     * but count as applied (so a second withdrawal of the same invitation, under another ce_id, publishes nothing).
     *
     * @param events the batch (may be empty)
     * @return the outcome; fails (nothing committed) on any database error, so the caller retries the whole batch
     */
    public Uni<DecisionOutcome> applyDecisions(List<DecisionEvent> events) {
        Instant now = now();
        // the first record carrying an id is the event; a later one in the same batch is a redelivery
        Map<UUID, Integer> first = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            if (first.putIfAbsent(events.get(i).eventId(), i) != null) {
                LOG.debugf("Decision event %s twice in one batch; the second is skipped", events.get(i).eventId());
            }
        }
        if (first.isEmpty()) {
            return Uni.createFrom().item(new DecisionOutcome(0, Map.of()));
        }
        return Panache.withTransaction(() -> inbox.alreadyProcessed(first.keySet()).flatMap(seen -> {
            List<Integer> fresh = first.values().stream()
                    .filter(i -> !seen.contains(events.get(i).eventId())).toList();
            if (fresh.isEmpty()) {
                LOG.debugf("All %d decision event(s) of the batch already applied; skipped", first.size());
                return Uni.createFrom().item(new DecisionOutcome(0, Map.of()));
            }
            Set<UUID> ids = new TreeSet<>();
            fresh.forEach(i -> ids.add(events.get(i).message().invitationId()));
            return invitations.lockAll(ids).flatMap(locked -> {
                Map<UUID, Invitation> byId = new HashMap<>();
                locked.forEach(inv -> byId.put(inv.id, inv));
                List<OutboxEvent> outgoing = new ArrayList<>();
                List<SecurityEvents.Revocation> revoked = new ArrayList<>();
                Map<UUID, String> evaluated = new LinkedHashMap<>();
                Map<Integer, PoisonMessageException> rejected = new LinkedHashMap<>();
                for (int i : fresh) {
                    PolicyMessage message = events.get(i).message();
                    try {
                        Invitation inv = matching(byId.get(message.invitationId()), message);
                        OutboxEvent event = message instanceof AccessWithdrawal withdrawal
                                ? withdraw(inv, withdrawal, now) : decide(inv, (PolicyDecision) message, now);
                        if (event != null) {
                            outgoing.add(event);
                            if (message instanceof AccessWithdrawal && inv.status == InvitationStatus.REVOKED) {
                                // a grant ended by a settings change: its Shared Signals SETs commit with it
                                revoked.add(policyRevocation(inv, now));
                            }
                        }
                        evaluated.put(events.get(i).eventId(), events.get(i).eventType());
                    } catch (PoisonMessageException poison) {
                        rejected.put(i, poison);
                    }
                }
                return outbox.insertAll(outgoing)
                        .flatMap(ignored -> securityEvents.enqueue(revoked, now))
                        .flatMap(ignored -> inbox.recordAll(evaluated, now))
                        .map(ignored -> new DecisionOutcome(outgoing.size(), rejected));
            });
        })).invoke(outcome -> {
            if (outcome.changed() > 0) {
                relay.trigger();
                push.trigger();
            }
        });
    }

    /**
     * The stored invitation a decision or withdrawal is about, if it is the one the message describes.
     *
     * @param inv     the locked invitation, or null when none has the message's id
     * @param message the decision or withdrawal
     * @return {@code inv}
     * @throws PoisonMessageException for an unknown invitation or one whose tenants or application differ
     */
    private static Invitation matching(Invitation inv, PolicyMessage message) {
        String what = message instanceof AccessWithdrawal ? "withdrawal " : "decision ";
        if (inv == null) {
            throw new PoisonMessageException(what + message.messageId() + " for unknown invitation "
                    + message.invitationId());
        }
        if (!inv.resourceTenant.equals(message.resourceTenant()) || !inv.inviteeTenant.equals(message.homeTenant())
                || !inv.application.equals(message.application())) {
            throw new PoisonMessageException(what + message.messageId() + " does not match invitation "
                    + inv.id + " (tenants or application differ)");
        }
        return inv;
    }

    /**
     * Applies one decision to its (locked, matching, possibly already changed by an earlier message of the same
     * batch) invitation in memory; the session flushes the change.
     *
     * @return the outbox row to publish, or null when the invitation is no longer {@code requested}
     */
    private OutboxEvent decide(Invitation inv, PolicyDecision decision, Instant now) {
        if (inv.status != InvitationStatus.REQUESTED) {
            LOG.infof("Decision %s for invitation %s ignored: invitation is %s, not requested",
                    decision.decisionId(), inv.id, inv.status.wire());
            return null;
        }
        inv.decisionId = decision.decisionId();
        inv.decisionOutcome = decision.allowed() ? "allow" : "deny";
        inv.decisionReasons = toJson(decision.reasons());
        List<String> shared = decision.sharedReasons() != null ? decision.sharedReasons()
                : genericReasons(inv.resourceTenant, inv.inviteeTenant, decision.allowed());
        inv.decisionSharedReasons = toJson(shared);
        inv.decisionHomeReasons = decision.homeReasons() == null ? null : toJson(decision.homeReasons());
        inv.decidedAt = now;
        inv.updatedAt = now;
        if (decision.allowed() && decision.approvalRequired()) {
            // the resource tenant's rules want an admin to look at it first: no code until approved
            inv.status = InvitationStatus.PENDING_APPROVAL;
            return events.approvalRequested(inv, now);
        }
        if (decision.allowed()) {
            inv.status = InvitationStatus.PENDING_ACCEPTANCE;
            inv.redemptionCode = codes.next();
            return events.approved(inv, now);
        }
        inv.status = InvitationStatus.DENIED;
        // denied.v1 reaches both tenants (audit, the gateway): only what either of them may read
        return events.denied(inv, shared, now);
    }

    /** The subject that names a settings change as the revoker (revoked.v1 {@code revokedBy}, docs/topics.md). */
    public static final String POLICY_CHANGED_SUBJECT = "system:policy-changed";

    /**
     * Issue #8: applies one withdrawal (a settings change the invitation no longer passes) to its locked, matching
     * invitation in memory, acting on this service's own current status (the event's {@code previousStatus} is what
     * policy-service last saw): a grant ({@code accepted}) is revoked ({@code revoked.v1}, {@code reason}
     * {@code policy-changed}, revoked by {@code system:policy-changed} of the changed tenant); an open request
     * ({@code requested}, {@code pending_approval}, {@code pending_acceptance}) is denied ({@code denied.v1},
     * {@code cause} {@code policy-changed}, {@code decisionId} the withdrawal's id); its redemption code dies. The
     * withdrawal's reasons are kept for the view, each reader's own as for a decision ({@link #withdrawalReasons}).
     *
     * @return the outbox row to publish, or null when the invitation has already ended (nothing to withdraw)
     */
    private OutboxEvent withdraw(Invitation inv, AccessWithdrawal withdrawal, Instant now) {
        InvitationStatus previous = inv.status;
        if (!previous.live()) {
            LOG.infof("Withdrawal %s of invitation %s ignored: invitation is already %s", withdrawal.withdrawalId(),
                    inv.id, previous.wire());
            return null;
        }
        inv.withdrawalId = withdrawal.withdrawalId();
        inv.withdrawalCause = withdrawal.cause();
        inv.withdrawalChangedTenant = withdrawal.changedTenant();
        inv.withdrawalPreviousStatus = previous.wire();
        inv.withdrawalReasons = toJson(withdrawal.reasons());
        inv.withdrawalSharedReasons = toJson(withdrawal.sharedReasons());
        inv.withdrawalHomeReasons = withdrawal.homeReasons() == null ? null : toJson(withdrawal.homeReasons());
        inv.withdrawnAt = now;
        inv.redemptionCode = null;
        inv.updatedAt = now;
        if (previous == InvitationStatus.ACCEPTED) {
            inv.status = InvitationStatus.REVOKED;
            inv.revokedAt = now;
            inv.revokedByTenant = withdrawal.changedTenant();
            inv.revokedBySubject = POLICY_CHANGED_SUBJECT;
            inv.revokedByEmail = null;
            LOG.infof("Grant %s revoked: withdrawal %s (settings of %s changed)", inv.id, withdrawal.withdrawalId(),
                    withdrawal.changedTenant());
            return events.revokedByPolicyChange(inv, withdrawal.sharedReasons(), now);
        }
        inv.status = InvitationStatus.DENIED;
        LOG.infof("Invitation %s (%s) denied: withdrawal %s (settings of %s changed)", inv.id, previous.wire(),
                withdrawal.withdrawalId(), withdrawal.changedTenant());
        return events.deniedByPolicyChange(inv, withdrawal.sharedReasons(), previous, now);
    }

    // ---------------------------------------------------------------- redemption

    /** One redemption attempt: {@code eventId} is the redeemed.v1 outbox row's id when accepted, else null. */
    private record Attempt(Invitation invitation, boolean accepted, boolean burnt, UUID eventId) {
    }

    /**
     * Redeems an invitation for the calling invitee (tenant and canonical email of the invitation) with its code.
     * The invitee's address must still be of its tenant's registered domains, and the resource tenant's invitation
     * rules (read before the transaction from the local view) must still let the filer invite and admit the domain.
     *
     * @param code the redemption code as offered (1 to {@value #MAX_REDEMPTION_CODE} characters, no control
     *             characters or unpaired surrogates)
     * @return the accepted invitation (the grant) and the id of its redeemed.v1 outbox row
     * @throws ProblemException 400/422 {@code code} for an unusable code, 404/403 for callers who are not the
     *                          invitee, 409 {@code not-redeemable}/{@code invitation-expired}/{@code code-invalidated}
     *                          by state, 409 {@code invitation-not-redeemable} when the registry or the invitation
     *                          rules now refuse it (of the rules, only that they refuse),
     *                          422 {@code wrong-redemption-code}
     */
    public Uni<Changed> redeem(Caller caller, UUID id, String code) {
        if (code.length() > MAX_REDEMPTION_CODE) {
            // cannot be a code this service issued; refused before it costs a database round trip
            throw ProblemException.overLimit("/code", MAX_REDEMPTION_CODE, "code is " + code.length()
                    + " characters; the limit is " + MAX_REDEMPTION_CODE + " characters");
        }
        Identifiers.Refusal refusal = Identifiers.textViolation(code, MAX_REDEMPTION_CODE);
        if (refusal != null) {
            throw ProblemException.badField("/code", "code " + refusal.reason());
        }
        Instant now = now();
        return rules.effectiveFor(id).flatMap(effective -> Panache.withTransaction(() -> invitations.lock(id)
                .flatMap(inv -> attempt(caller, inv, id, code, now, effective))))
                .map(attempt -> {
                    if (attempt.accepted()) {
                        relay.trigger();
                        return new Changed(attempt.invitation(), attempt.eventId());
                    }
                    // thrown only now, after the failure count committed
                    throw ProblemException.unprocessable("wrong-redemption-code", "Wrong redemption code",
                            attempt.burnt() ? "Wrong code; too many failed attempts, the code is no longer valid"
                                    : "Wrong code");
                });
    }

    private Uni<Attempt> attempt(Caller caller, Invitation inv, UUID id, String code, Instant now,
            InvitationRules effective) {
        if (inv == null) {
            throw ProblemException.notFound("No invitation " + id + " visible to you");
        }
        if (!isInvitee(caller, inv)) {
            throw refusal(caller, inv, "Only the invitee (home tenant and email of the invitation) may redeem");
        }
        if (caller.issuer() == null || caller.issuer().isBlank()) {
            // the grant is keyed by home issuer + subject; without the issuer it could not be enforced
            throw ProblemException.forbidden("Federated token lacks the issuer claim");
        }
        if (inv.status != InvitationStatus.PENDING_ACCEPTANCE) {
            throw ProblemException.conflict("not-redeemable", "Invitation not redeemable",
                    "Invitation is " + inv.status.wire() + ", only pending_acceptance can be redeemed");
        }
        if (!now.isBefore(inv.expiresAt)) {
            throw ProblemException.conflict("invitation-expired", "Invitation expired",
                    "Invitation expired at " + inv.expiresAt);
        }
        String rule = notRedeemable(inv, effective);
        if (rule != null) {
            throw ProblemException.conflict("invitation-not-redeemable", "Invitation not redeemable", rule);
        }
        if (inv.redemptionCode == null) {
            throw ProblemException.conflict("code-invalidated", "Redemption code no longer valid",
                    "Too many failed attempts invalidated the code");
        }
        if (!RedemptionCodes.matches(inv.redemptionCode, code)) {
            inv.failedRedemptions++;
            inv.updatedAt = now;
            boolean burnt = inv.failedRedemptions >= config.redemption().maxFailedAttempts();
            if (burnt) {
                // bounded guessing: past the limit the code is dead and only a new invitation helps
                inv.redemptionCode = null;
                LOG.warnf("Invitation %s: redemption code invalidated after %d failed attempts", inv.id,
                        inv.failedRedemptions);
            }
            return Uni.createFrom().item(new Attempt(inv, false, burnt, null));
        }
        inv.status = InvitationStatus.ACCEPTED;
        inv.redemptionCode = null;
        inv.guestTenant = caller.tenant();
        inv.guestIssuer = caller.issuer();
        inv.guestSubject = caller.subject();
        inv.guestEmail = caller.email();
        inv.acceptedAt = now;
        inv.grantExpiresAt = now.plus(config.grantValidity());
        inv.updatedAt = now;
        OutboxEvent redeemed = events.redeemed(inv, now);
        return outbox.persist(redeemed).replaceWith(new Attempt(inv, true, false, redeemed.id));
    }

    /**
     * Why an otherwise redeemable invitation is refused now (the rules may have changed since filing), as the
     * redeemer may read it, or null. The redeemer is the invitee, of the home tenant: its own tenant's registration
     * is named, of the resource tenant's invitation rules only that they refuse (issue #7).
     */
    private String notRedeemable(Invitation inv, InvitationRules effective) {
        String notOwn = tenants.violation(inv.inviteeTenant, inv.inviteeEmail);
        if (notOwn != null) {
            return INVITEE_EMAIL + " " + notOwn;
        }
        // one text whichever rule refuses: the redeemer must not learn the rules by the words either
        return effective.filerViolation(inv.resourceTenant, inv.requestedByRole) != null
                || effective.domainViolation(inv.resourceTenant, inv.inviteeEmail) != null
                ? InvitationRules.refusesRequest(inv.resourceTenant) : null;
    }

    // ---------------------------------------------------------------- approval

    /** Most characters of an admin's approval or decline reason. */
    public static final int MAX_REASON = 1024;

    /**
     * Checks an admin's optional reason.
     *
     * @param reason the reason as sent, or null
     * @throws ProblemException 422 {@code limit-exceeded} over {@value #MAX_REASON} characters, 400 naming
     *                          {@code /reason} when blank or holding a character {@link Identifiers#textViolation}
     *                          refuses (controls, unpaired surrogates, format characters, line/paragraph separators)
     */
    public static void checkReason(String reason) {
        if (reason == null) {
            return;
        }
        Identifiers.Refusal refusal = Identifiers.textViolation(reason, MAX_REASON);
        if (refusal != null) {
            throw refusal.limit() != null ? ProblemException.overLimit("/reason", refusal.limit(),
                    "reason " + refusal.reason()) : ProblemException.badField("/reason", "reason " + refusal.reason());
        }
    }

    /**
     * A collab-admin of the resource tenant approves a {@code pending_approval} request: it becomes
     * {@code pending_acceptance} with a fresh redemption code, and {@code approved.v1} names the admin.
     *
     * @param reason optional, checked by {@link #checkReason}
     * @return the invitation and the id of its approved.v1 outbox row
     * @throws ProblemException 404/403 as for revocation, 409 {@code not-pending-approval} in any other state, 409
     *                          {@code invitation-expired} once past its expiry
     */
    public Uni<Changed> approve(Caller caller, UUID id, String reason) {
        return review(caller, id, reason, "approve", (inv, now) -> {
            inv.status = InvitationStatus.PENDING_ACCEPTANCE;
            inv.redemptionCode = codes.next();
            inv.approvedAt = now;
            inv.approvedByTenant = caller.tenant();
            inv.approvedBySubject = caller.subject();
            inv.approvedByEmail = caller.email();
            return events.approved(inv, now);
        });
    }

    /**
     * A collab-admin of the resource tenant declines a {@code pending_approval} request: {@code declined},
     * {@code declined.v1} (whose outbox row id is returned). Errors as {@link #approve}.
     */
    public Uni<Changed> decline(Caller caller, UUID id, String reason) {
        return review(caller, id, reason, "decline", (inv, now) -> {
            inv.status = InvitationStatus.DECLINED;
            inv.declinedAt = now;
            inv.declinedByTenant = caller.tenant();
            inv.declinedBySubject = caller.subject();
            inv.declinedByEmail = caller.email();
            return events.declined(inv, now);
        });
    }

    private Uni<Changed> review(Caller caller, UUID id, String reason, String verb,
            java.util.function.BiFunction<Invitation, Instant, OutboxEvent> change) {
        checkReason(reason);
        Instant now = now();
        return Panache.withTransaction(() -> invitations.lock(id).flatMap(inv -> {
            if (inv == null) {
                throw ProblemException.notFound("No invitation " + id + " visible to you");
            }
            if (!caller.isAdminOf(inv.resourceTenant)) {
                throw refusal(caller, inv, "Only a collab-admin of " + inv.resourceTenant + " may " + verb);
            }
            if (inv.status != InvitationStatus.PENDING_APPROVAL) {
                throw ProblemException.conflict("not-pending-approval", "Invitation not pending approval",
                        "Invitation is " + inv.status.wire() + ", only pending_approval can be " + verb + "d");
            }
            if (!now.isBefore(inv.expiresAt)) {
                throw ProblemException.conflict("invitation-expired", "Invitation expired",
                        "Invitation expired at " + inv.expiresAt);
            }
            inv.approvalReason = reason;
            inv.updatedAt = now;
            OutboxEvent row = change.apply(inv, now);
            return outbox.persist(row).replaceWith(new Changed(inv, row.id));
        })).invoke(relay::trigger);
    }

    // ---------------------------------------------------------------- revocation

    /**
     * A collab-admin of the resource tenant revokes a live invitation or grant: {@code revoked}, {@code revoked.v1}
     * naming the admin; the redemption code dies.
     *
     * @return the invitation and the id of its revoked.v1 outbox row (the gateway drops the grant when its view has
     *         applied that event)
     * @throws ProblemException 404 for an unknown id or a caller of a third tenant, 403 for other callers of either
     *                          tenant, 409 {@code already-revoked} / {@code not-revocable} once ended
     */
    public Uni<Changed> revoke(Caller caller, UUID id) {
        Instant now = now();
        return Panache.withTransaction(() -> invitations.lock(id).flatMap(inv -> {
            if (inv == null) {
                throw ProblemException.notFound("No invitation " + id + " visible to you");
            }
            if (!caller.isAdminOf(inv.resourceTenant)) {
                throw refusal(caller, inv, "Only a collab-admin of " + inv.resourceTenant + " may revoke");
            }
            if (!inv.status.revocable()) {
                throw ProblemException.conflict(
                        inv.status == InvitationStatus.REVOKED ? "already-revoked" : "not-revocable",
                        "Invitation not revocable", "Invitation is already " + inv.status.wire());
            }
            inv.status = InvitationStatus.REVOKED;
            inv.redemptionCode = null;
            inv.revokedAt = now;
            inv.revokedByTenant = caller.tenant();
            inv.revokedBySubject = caller.subject();
            inv.revokedByEmail = caller.email();
            inv.updatedAt = now;
            OutboxEvent row = events.revoked(inv, caller.asParty(), now);
            // a redeemed grant's Shared Signals SETs commit with the revocation (none without a guest)
            SecurityEvents.Revocation revocation = new SecurityEvents.Revocation(inv, SecurityEvents.ADMIN, now,
                    reader -> "Access to " + inv.application + " of " + inv.resourceTenant
                            + " revoked by an administrator of " + inv.resourceTenant);
            return outbox.persist(row).flatMap(ignored -> securityEvents.enqueue(List.of(revocation), now))
                    .replaceWith(new Changed(inv, row.id));
        })).invoke(relay::trigger).invoke(push::trigger);
    }

    // ---------------------------------------------------------------- expiry

    /** Expires one batch of open invitations past their expiry; returns how many. */
    public Uni<Integer> expireDue() {
        Instant now = now();
        return Panache.withTransaction(() -> invitations.lockExpiredOpen(now, config.expirySweep().batchSize())
                .flatMap(ids -> ids.isEmpty()
                        ? Uni.createFrom().item(0)
                        : invitations.list("id in ?1", ids).flatMap(list -> {
                            List<OutboxEvent> rows = new ArrayList<>();
                            for (Invitation inv : list) {
                                // an open request past expires_at, or a grant past grant_expires_at
                                InvitationStatus previous = inv.status;
                                inv.status = InvitationStatus.EXPIRED;
                                inv.redemptionCode = null;
                                inv.expiredAt = now;
                                inv.updatedAt = now;
                                rows.add(events.expired(inv, previous, now));
                            }
                            return outbox.persist(rows).replaceWith(list.size());
                        })))
                .invoke(count -> {
                    if (count > 0) {
                        LOG.infof("Expired %d invitation(s)", count);
                        relay.trigger();
                    }
                });
    }

    // ---------------------------------------------------------------- tenant domains

    /** The rule a registry withdrawal names first in its reasons ({@code tenant-domains: <domain> is no longer ...}). */
    public static final String TENANT_DOMAINS_RULE = "tenant-domains";

    /**
     * Issue #8, "tenant domains": ends every live invitation whose invitee's address is no longer of its tenant's
     * registered domains ({@link TenantRegistry}, read from configuration, so a domain is removed by a redeployment):
     * a grant is revoked ({@code revoked.v1}, reason {@code policy-changed}), an open request denied
     * ({@code denied.v1}, cause {@code policy-changed}), as a settings withdrawal would, with the home tenant as the
     * changed tenant and one reason either side may read. Each invitation ends once (its status is checked under its
     * row lock); batches of {@code invitation.expiry-sweep.batch-size} in one transaction each, repeated until one
     * comes back short. Loosening (adding a domain) re-grants nothing.
     *
     * @return how many invitations this call ended
     */
    public Uni<Integer> endOutsideRegisteredDomains() {
        return endOutsideRegisteredDomains(0);
    }

    /**
     * Makes this instance's tenant registry the one in force (at start): from now on only instances running the same
     * registry end invitations by it ({@link #endOutsideRegisteredDomains}), so during a rolling update the instances
     * still on the previous registry leave the new registry's invitations alone.
     *
     * @return when the claim committed
     */
    public Uni<Void> claimRegistryEpoch() {
        return Panache.withTransaction(() -> epochs.claim(tenants.fingerprint(), now())).replaceWithVoid()
                .invoke(() -> LOG.infof("Tenant registry %s is in force", tenants.fingerprint().substring(0, 12)));
    }

    private Uni<Integer> endOutsideRegisteredDomains(int endedSoFar) {
        int batch = config.expirySweep().batchSize();
        Instant now = now();
        return Panache.withTransaction(() -> epochs.inForce().flatMap(inForce -> {
            boolean mine = tenants.fingerprint().equals(inForce);
            if (mine != registryInForce) {
                registryInForce = mine;
                if (!mine) {
                    LOG.warnf("Another tenant registry (%s) started after this instance's: it ends nothing by its"
                            + " registry", inForce == null ? "none yet" : inForce.substring(0, 12));
                }
            }
            if (!mine) {
                return Uni.createFrom().item(0);
            }
            if (!config.domainSweep().enforce()) {
                return invitations.countLiveOutsideRegistry(tenants.registrationKeys()).invoke(count -> {
                    if (count > 0) {
                        LOG.warnf("%d live invitation(s) have an invitee whose domain the tenant registry no longer"
                                + " holds; invitation.domain-sweep.enforce=false, so none is ended", count);
                    }
                }).replaceWith(0);
            }
            return invitations.lockLiveOutsideRegistry(tenants.registrationKeys(), batch)
                    .flatMap(ids -> ids.isEmpty() ? Uni.createFrom().item(0) : invitations.list("id in ?1", ids)
                            .flatMap(list -> endAll(list, now)));
        }))
                .flatMap(ended -> {
                    if (ended > 0) {
                        relay.trigger();
                        push.trigger();
                    }
                    // a short batch is the last; so is one the registry itself kept whole (never loop on it)
                    return ended == batch ? endOutsideRegisteredDomains(endedSoFar + ended)
                            : Uni.createFrom().item(endedSoFar + ended);
                })
                .invoke(total -> {
                    if (total > 0 && endedSoFar == 0) {
                        LOG.infof("Ended %d invitation(s) whose invitee's domain is no longer registered", total);
                    }
                });
    }

    /** Ends the locked invitations outside the registry; their events and Shared Signals SETs commit with them. */
    private Uni<Integer> endAll(List<Invitation> list, Instant now) {
        List<OutboxEvent> rows = new ArrayList<>();
        List<SecurityEvents.Revocation> revoked = new ArrayList<>();
        for (Invitation inv : list) {
            OutboxEvent row = endOutsideRegistry(inv, now);
            if (row != null) {
                rows.add(row);
                if (inv.status == InvitationStatus.REVOKED) {
                    revoked.add(policyRevocation(inv, now));
                }
            }
        }
        return outbox.persist(rows).flatMap(ignored -> securityEvents.enqueue(revoked, now)).replaceWith(rows.size());
    }

    /**
     * Ends one locked live invitation whose invitee's domain the registry no longer holds, through {@link #withdraw}.
     *
     * @return the outbox row, or null when the registry does hold the domain (the query only narrows) or the
     *         invitation has ended meanwhile
     */
    private OutboxEvent endOutsideRegistry(Invitation inv, Instant now) {
        if (tenants.violation(inv.inviteeTenant, inv.inviteeEmail) == null) {
            LOG.warnf("Invitation %s matched the unregistered-domain query but its domain is registered", inv.id);
            return null;
        }
        // the home tenant's registry is not a secret of either side: both read the same words
        List<String> reasons = List.of(TENANT_DOMAINS_RULE + ": " + Identifiers.domainOf(inv.inviteeEmail)
                + " is no longer a registered domain of tenant " + inv.inviteeTenant);
        AccessWithdrawal withdrawal = new AccessWithdrawal(UUID.randomUUID(), inv.id, inv.resourceTenant,
                inv.inviteeTenant, inv.application, inv.inviteeEmail, inv.status, AccessWithdrawal.POLICY_CHANGED,
                inv.inviteeTenant, reasons, reasons, reasons);
        return withdraw(inv, withdrawal, now);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The decision's reasons as this caller may read them (issue #7: the deciding rule of the reader's own side, of
     * the other side only that it blocked): the resource tenant's callers get its deciding rule, the home tenant's
     * (partner systems, admins, the invitee) the home tenant's, anyone else the shared reasons.
     *
     * @param caller the reader
     * @param inv    a decided (or undecided: empty list) invitation
     * @return the reasons, in the order policy-service gave them
     */
    public List<String> reasons(Caller caller, Invitation inv) {
        if (inv.decisionOutcome == null) {
            return List.of();
        }
        if (caller.tenant().equals(inv.resourceTenant)) {
            return readReasons(inv.decisionReasons);
        }
        if (caller.tenant().equals(inv.inviteeTenant) && inv.decisionHomeReasons != null) {
            return readReasons(inv.decisionHomeReasons);
        }
        return inv.decisionSharedReasons != null ? readReasons(inv.decisionSharedReasons)
                : genericReasons(inv.resourceTenant, inv.inviteeTenant, "allow".equals(inv.decisionOutcome));
    }

    /**
     * Issue #8: the reasons of the withdrawal that ended the invitation, as this caller may read them, by the same
     * rule as {@link #reasons}: the resource tenant's callers read its deciding rule, the home tenant's its own (or
     * the shared reasons when the withdrawal carried none for it), anyone else the shared reasons.
     *
     * @param caller the reader
     * @param inv    an invitation
     * @return the reasons, in policy-service's order; empty when no withdrawal ended the invitation
     */
    public List<String> withdrawalReasons(Caller caller, Invitation inv) {
        if (inv.withdrawalId == null) {
            return List.of();
        }
        if (caller.tenant().equals(inv.resourceTenant)) {
            return readReasons(inv.withdrawalReasons);
        }
        if (caller.tenant().equals(inv.inviteeTenant) && inv.withdrawalHomeReasons != null) {
            return readReasons(inv.withdrawalHomeReasons);
        }
        return readReasons(inv.withdrawalSharedReasons);
    }

    /**
     * The words of a policy-changed revocation that {@code reader} (a tenant of the invitation) may read, as
     * {@link #withdrawalReasons} chooses them for a caller of that tenant, joined with "; ".
     */
    /** The Shared Signals revocation of a grant a withdrawal ended (settings, application, registry). */
    private SecurityEvents.Revocation policyRevocation(Invitation inv, Instant now) {
        return new SecurityEvents.Revocation(inv, SecurityEvents.POLICY, now, reader -> policyReason(reader, inv));
    }

    private String policyReason(String reader, Invitation inv) {
        Caller asReader = new Caller(reader, "ssf-receiver", null, null, Set.of());
        List<String> reasons = withdrawalReasons(asReader, inv);
        return reasons.isEmpty() ? "Access ended by a settings change of " + inv.withdrawalChangedTenant
                : String.join("; ", reasons);
    }

    /** For a decision that carries no shared reasons: which tenants decided, nothing of their rules. */
    private static List<String> genericReasons(String resourceTenant, String homeTenant, boolean allowed) {
        return List.of(allowed ? resourceTenant + " and " + homeTenant + " settings admit it"
                : resourceTenant + " or " + homeTenant + " settings blocked it");
    }

    private List<String> readReasons(String stored) {
        if (stored == null) {
            return List.of();
        }
        try {
            return List.of(json.readValue(stored, String[].class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored decision reasons are not a JSON array", e);
        }
    }

    private String toJson(List<String> reasons) {
        try {
            return json.writeValueAsString(reasons);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Removes surrounding spaces and tabs only: {@code String.strip} would also drop U+001C..U+001F (Java counts them
     * as white space), turning an id with a trailing control character into an acceptable one instead of refusing it.
     */
    private static String stripSpaces(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
            end--;
        }
        return value.substring(start, end);
    }

    /** ASCII letters only: {@code toLowerCase} would also turn U+212A (Kelvin) into {@code k}. */
    private static String lowerAscii(String value) {
        StringBuilder out = new StringBuilder(value.length());
        value.chars().forEach(c -> out.append((char) (c >= 'A' && c <= 'Z' ? c + 32 : c)));
        return out.toString();
    }

    /** PostgreSQL keeps microseconds; the same precision everywhere keeps events, views and rows equal. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
