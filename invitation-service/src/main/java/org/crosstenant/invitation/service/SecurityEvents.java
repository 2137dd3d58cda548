package org.crosstenant.invitation.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.config.SsfConfig;
import org.crosstenant.invitation.model.Invitation;
import org.crosstenant.invitation.model.SsfStream;
import org.crosstenant.invitation.repository.SsfDeliveryRepository;
import org.crosstenant.invitation.repository.SsfDeliveryRepository.NewDelivery;
import org.crosstenant.invitation.repository.SsfStreamRepository;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;

/**
 * Turns grant revocations into Security Event Tokens for the registered receivers (issue #8 bullet 7), in the
 * revoking transaction: one {@code ssf_delivery} row per revocation and per stream of the guest's home tenant and of
 * the resource tenant that requested {@value #SESSION_REVOKED}. The row holds the SET's claims, so a retry repeats the
 * same {@code jti}; {@code messaging/SsfPushWorker} signs and pushes them.
 *
 * <p>
 * Claims (RFC 8417 §2.2; OpenID Shared Signals Framework 1.0 §4 "sub_id" and §10 SET profile; OpenID CAEP 1.0 §2
 * optional event claims and §3.1 "Session Revoked"): {@code iss} (the transmitter issuer), {@code jti} (the row id),
 * {@code iat} (seconds), {@code aud} (the stream's), {@code txn} (the invitation id, RFC 8417 §2.2: one transaction
 * per revoked grant, the same in every receiver's SET), {@code sub_id} (RFC 9493: {@code iss_sub} with the guest's
 * home issuer and home subject, or {@code email} when the issuer is unknown) and {@code events} with one member,
 * {@value #SESSION_REVOKED}: {@code event_timestamp} (seconds), {@code initiating_entity} ({@code admin} or
 * {@code policy}), {@code reason_admin} ({@code {"en": ...}}, only words the stream's tenant may read).
 */
@ApplicationScoped
public class SecurityEvents {

    /** CAEP 1.0 §3.1 event type. */
    public static final String SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
    /** The event types this transmitter can deliver. */
    public static final List<String> SUPPORTED = List.of(SESSION_REVOKED);
    /** CAEP {@code initiating_entity} of an administrator's revocation. */
    public static final String ADMIN = "admin";
    /** CAEP {@code initiating_entity} of a revocation by a settings change. */
    public static final String POLICY = "policy";

    /**
     * One revoked grant.
     *
     * @param invitation       the invitation, with its guest (home issuer/subject or email)
     * @param initiatingEntity {@link #ADMIN} or {@link #POLICY}
     * @param at               when it was revoked
     * @param reasonFor        the reason text a given tenant may read (its id in, the text out)
     */
    public record Revocation(Invitation invitation, String initiatingEntity, Instant at,
            Function<String, String> reasonFor) {
    }

    private final SsfStreamRepository streams;
    private final SsfDeliveryRepository deliveries;
    private final ObjectMapper json;
    private final String issuer;

    public SecurityEvents(SsfStreamRepository streams, SsfDeliveryRepository deliveries, ObjectMapper json,
            SsfConfig config) {
        this.streams = streams;
        this.deliveries = deliveries;
        this.json = json;
        this.issuer = config.issuer();
    }

    /**
     * Writes the delivery rows of these revocations, in the caller's transaction. A revocation without a guest (no
     * grant was redeemed) sends nothing.
     *
     * @return how many rows were written
     */
    public Uni<Integer> enqueue(List<Revocation> revocations, Instant now) {
        List<Revocation> withGuest = revocations.stream().filter(r -> r.invitation().hasGuest()).toList();
        if (withGuest.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Set<String> tenants = new TreeSet<>();
        withGuest.forEach(r -> {
            tenants.add(r.invitation().resourceTenant);
            tenants.add(r.invitation().inviteeTenant);
        });
        return streams.ofTenants(tenants).flatMap(found -> {
            List<NewDelivery> rows = new ArrayList<>();
            for (Revocation r : withGuest) {
                Invitation inv = r.invitation();
                for (SsfStream stream : found) {
                    boolean party = stream.tenant.equals(inv.resourceTenant) || stream.tenant.equals(inv.inviteeTenant);
                    if (party && requested(stream).contains(SESSION_REVOKED)) {
                        UUID jti = UUID.randomUUID();
                        rows.add(new NewDelivery(jti, stream.id, inv.id, claims(jti, stream, r, now)));
                    }
                }
            }
            return deliveries.insertAll(rows, now);
        });
    }

    /** The stream's {@code events_requested}. */
    public List<String> requested(SsfStream stream) {
        try {
            return List.of(json.readValue(stream.eventsRequested, String[].class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored events_requested is not a JSON array", e);
        }
    }

    private String claims(UUID jti, SsfStream stream, Revocation r, Instant now) {
        Invitation inv = r.invitation();
        ObjectNode claims = json.createObjectNode();
        claims.put("iss", issuer);
        claims.put("jti", jti.toString());
        claims.put("iat", now.getEpochSecond());
        claims.put("aud", stream.aud);
        claims.put("txn", inv.id.toString());
        ObjectNode subject = claims.putObject("sub_id");
        if (inv.guestIssuer != null) {
            subject.put("format", "iss_sub").put("iss", inv.guestIssuer).put("sub", inv.guestSubject);
        } else {
            subject.put("format", "email").put("email", inv.guestEmail != null ? inv.guestEmail : inv.inviteeEmail);
        }
        ObjectNode event = claims.putObject("events").putObject(SESSION_REVOKED);
        event.put("event_timestamp", r.at().getEpochSecond());
        event.put("initiating_entity", r.initiatingEntity());
        event.putObject("reason_admin").put("en", r.reasonFor().apply(stream.tenant));
        return claims.toString();
    }
}
