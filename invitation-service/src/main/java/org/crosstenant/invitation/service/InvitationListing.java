package org.crosstenant.invitation.service;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.model.Caller;
import org.crosstenant.invitation.model.Identifiers;
import org.crosstenant.invitation.model.Invitation;
import org.crosstenant.invitation.model.InvitationStatus;
import org.crosstenant.invitation.repository.InvitationRepository;
import org.crosstenant.invitation.repository.InvitationRepository.ListFilter;

import io.smallrye.mutiny.Uni;

/**
 * A tenant's invitations and grants for its collab-admins (contract §4; issue #8 bullet 6): as the resource tenant
 * ({@code side=resource}, the default: its guests) or as the home tenant ({@code side=home}: its people invited into
 * other tenants), optionally narrowed to one partner tenant (the other side), with filters, newest first, keyset
 * paging with an opaque cursor (base64url of the last row's creation time in microseconds and id), so a page is one
 * index range scan however deep (one index per side), and rows filed meanwhile never shift a page.
 */
@ApplicationScoped
public class InvitationListing {

    /** Rows per page unless {@code limit} says otherwise. */
    public static final int DEFAULT_LIMIT = 50;
    /** Most rows per page. */
    public static final int MAX_LIMIT = 200;

    private final InvitationRepository invitations;

    public InvitationListing(InvitationRepository invitations) {
        this.invitations = invitations;
    }

    /**
     * One page.
     *
     * @param items the rows, newest first
     * @param next  the cursor of the following page, or null when this is the last
     */
    public record Page(List<Invitation> items, String next) {
    }

    /** {@code side}: the listing tenant as the resource tenant (its guests). */
    public static final String RESOURCE = "resource";
    /** {@code side}: the listing tenant as the home tenant (its people who are guests elsewhere). */
    public static final String HOME = "home";

    /**
     * Lists a tenant's invitations ({@code grantsOnly} false) or active grants ({@code accepted}).
     *
     * @param tenant      the tenant from the path
     * @param side        {@value #RESOURCE} (the tenant's guests; also when null) or {@value #HOME} (its people
     *                    invited elsewhere)
     * @param partner     the other tenant of the side (for {@code resource} the invitee's tenant, for {@code home}
     *                    the resource tenant), or null for any
     * @param status      a status wire name, or null (ignored when {@code grantsOnly})
     * @param application an application id, or null
     * @param invitee     an invitee email in any form (canonicalised), or null
     * @param after       the cursor of the previous page's {@code next}, or null
     * @param limit       1 to {@value #MAX_LIMIT} (text), or null for {@value #DEFAULT_LIMIT}
     * @throws ProblemException 404 for a tenant that is no tenant id, 403 unless the caller is a collab-admin of
     *                          {@code tenant}, 400 naming the query parameter that is malformed
     */
    public Uni<Page> list(Caller caller, String tenant, String side, String partner, boolean grantsOnly,
            String status, String application, String invitee, String after, String limit) {
        if (!Identifiers.isId(tenant)) {
            throw ProblemException.notFound("No tenant " + tenant);
        }
        if (!caller.isAdminOf(tenant)) {
            throw ProblemException.forbidden("Only a collab-admin of " + tenant + " may list its "
                    + (grantsOnly ? "grants" : "invitations"));
        }
        if (side != null && !RESOURCE.equals(side) && !HOME.equals(side)) {
            throw ProblemException.badField("side", "side must be " + RESOURCE + " (the tenant's guests) or " + HOME
                    + " (its people invited into other tenants)");
        }
        if (partner != null && !Identifiers.isId(partner)) {
            throw ProblemException.badField("partner", "partner must be a tenant id");
        }
        InvitationStatus state = null;
        if (status != null && !grantsOnly) {
            try {
                state = InvitationStatus.fromWire(status);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badField("status", "status must be one of "
                        + java.util.Arrays.stream(InvitationStatus.values()).map(InvitationStatus::wire).toList());
            }
        }
        if (application != null && !Identifiers.isId(application)) {
            throw ProblemException.badField("application", "application must be an application id");
        }
        String email = null;
        if (invitee != null) {
            email = Identifiers.canonicalEmail(invitee);
            Identifiers.Refusal refusal = Identifiers.emailViolation(email);
            if (refusal != null) {
                throw ProblemException.badField("invitee", "invitee " + refusal.reason());
            }
        }
        int size = limit(limit);
        Cursor cursor = after == null ? null : Cursor.parse(after);
        ListFilter filter = new ListFilter(tenant, HOME.equals(side), partner, state, application, email, grantsOnly,
                cursor == null ? null : cursor.createdAt(), cursor == null ? null : cursor.id());
        // one row more than asked tells whether another page follows
        return invitations.page(filter, size + 1).map(rows -> {
            if (rows.size() <= size) {
                return new Page(rows, null);
            }
            Invitation last = rows.get(size - 1);
            return new Page(rows.subList(0, size), new Cursor(last.createdAt, last.id).text());
        });
    }

    private static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.badField("limit", "limit must be an integer from 1 to " + MAX_LIMIT);
    }

    /** The position after which the next page starts. */
    record Cursor(Instant createdAt, UUID id) {

        String text() {
            long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((micros + ":" + id).getBytes(StandardCharsets.US_ASCII));
        }

        static Cursor parse(String text) {
            try {
                String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
                int colon = plain.indexOf(':');
                String id = plain.substring(colon + 1);
                if (colon <= 0 || id.length() != 36) {
                    throw new IllegalArgumentException("not a cursor");
                }
                long micros = Long.parseLong(plain.substring(0, colon));
                return new Cursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), UUID.fromString(id));
            } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
                throw ProblemException.badField("after", "after must be the next cursor of a previous page");
            }
        }
    }
}
