package org.crosstenant.invitation.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.model.Invitation;
import org.crosstenant.invitation.model.OutboxEvent;
import org.crosstenant.invitation.service.NewInvitation;

import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Files a new invitation in ONE SQL statement, i.e. one database round trip and one implicit transaction: the
 * Idempotency-Key claim (when there is a key), the invitation row and its {@code requested.v1} outbox row are data
 * modifying CTEs of one statement, so they commit together or not at all (the transactional outbox holds) and no
 * explicit begin/commit is sent. Runs on the reactive PostgreSQL pool that Hibernate Reactive itself uses (no
 * Hibernate session per request: the hot POST path, issue #5).
 * <p>
 * The claim is {@code insert … on conflict do nothing} on the key's primary key: a concurrent request with the same key
 * waits on that key until the first statement commits, then inserts nothing, so the invitation and outbox inserts,
 * which select from the claim, insert nothing either — exactly one invitation per key.
 */
@ApplicationScoped
public class FilingRepository {

    private static final String INVITATION_AND_OUTBOX = "inv as (insert into invitation (id, resource_tenant,"
            + " application, invitee_tenant, invitee_email, requested_by_tenant, requested_by_subject,"
            + " requested_by_email, requested_by_role, status, created_at, updated_at, expires_at, failed_redemptions,"
            + " version) select $1::uuid, $2::text, $3::text,"
            + " $4::text, $5::text, $6::text, $7::text, $8::text, $9::text, $10::text, $11::timestamptz,"
            + " $11::timestamptz, $12::timestamptz, 0, 0 %s returning id)"
            + " insert into outbox (id, aggregate_type, aggregate_id, type, topic, payload, occurred_at)"
            // payload: text cast to jsonb, as OutboxEvent's column transformer does (a bound String is a JSON string)
            + " select $13::uuid, $14::text, $15::text, $16::text, $17::text, cast($18::text as jsonb),"
            + " $19::timestamptz from inv";

    /** Without a key: the invitation (selected from no table) and its outbox row. */
    static final String FILE = "with " + INVITATION_AND_OUTBOX.formatted("");

    /** With a key: the claim first; the invitation and outbox rows exist only if the claim inserted a row. */
    static final String FILE_ONCE = "with claim as (insert into idempotency_key (caller_tenant, caller_subject,"
            + " idempotency_key, request_hash, invitation_id, created_at) values ($6::text, $7::text,"
            + " $20::text, $21::text, $1::uuid, $11::timestamptz)"
            + " on conflict do nothing returning invitation_id), "
            + INVITATION_AND_OUTBOX.formatted("from claim");

    private final Pool pool;

    public FilingRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Inserts a new invitation and its outbox row, claiming {@code idempotencyKey} for the invitation's filer first
     * when given.
     *
     * @param inv            the new invitation ({@code requested}; its id, parties, role and times set)
     * @param requested      its {@code requested.v1} outbox row
     * @param idempotencyKey the caller's key, or null for none
     * @param requestHash    SHA-256 hex of the canonical request (used only with a key)
     * @return true when the rows were inserted (committed); false when the key was already claimed (nothing inserted:
     *         the caller answers as the first request did)
     */
    public Uni<Boolean> file(Invitation inv, OutboxEvent requested, String idempotencyKey, String requestHash) {
        Object[] values = {inv.id, inv.resourceTenant, inv.application, inv.inviteeTenant, inv.inviteeEmail,
                inv.requestedByTenant, inv.requestedBySubject, inv.requestedByEmail, inv.requestedByRole,
                inv.status.wire(), utc(inv.createdAt), utc(inv.expiresAt), requested.id, requested.aggregateType,
                requested.aggregateId, requested.type, requested.topic, requested.payload, utc(requested.occurredAt),
                idempotencyKey, requestHash};
        Tuple parameters = idempotencyKey == null ? Tuple.from(Arrays.copyOf(values, 19))
                : Tuple.from(values);
        return pool.preparedQuery(idempotencyKey == null ? FILE : FILE_ONCE).execute(parameters)
                .map(rows -> rows.rowCount() == 1);
    }

    /** The live invitation of a (resource tenant, application, invitee canonical email), if any. */
    static final String LIVE = "select id from invitation where resource_tenant = $1 and application = $2"
            + " and invitee_email = $3 and status in ('requested', 'pending_approval', 'pending_acceptance', 'accepted')";
    /** The partial unique index that keeps one live request per (resource tenant, application, invitee). */
    public static final String ONE_LIVE_INDEX = "invitation_one_live";

    /**
     * @param request a canonical request
     * @return the id of its live invitation, or null (item) when there is none
     */
    public Uni<UUID> liveId(NewInvitation request) {
        return pool.preparedQuery(LIVE).execute(Tuple.of(request.resourceTenant(), request.application(),
                request.inviteeEmail())).map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("id"));
    }

    /** Whether a failed filing collided with a live request ({@value #ONE_LIVE_INDEX}, SQLSTATE 23505). */
    public static boolean isLiveCollision(Throwable failure) {
        return failure instanceof PgException pg && "23505".equals(pg.getSqlState())
                && ONE_LIVE_INDEX.equals(pg.getConstraint());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
