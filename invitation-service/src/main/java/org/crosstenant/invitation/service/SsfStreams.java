package org.crosstenant.invitation.service;

import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.config.SsfConfig;
import org.crosstenant.invitation.model.Caller;
import org.crosstenant.invitation.model.Identifiers;
import org.crosstenant.invitation.model.SsfStream;
import org.crosstenant.invitation.repository.SsfStreamRepository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * A tenant's Shared Signals streams (SSF 1.0 §8.1.1 stream management, one transmitter, streams per tenant): created,
 * listed, read and deleted by a collab-admin of that tenant only, as its listings are ({@link InvitationListing}).
 */
@ApplicationScoped
public class SsfStreams {

    /** The only delivery method: RFC 8935 push. */
    public static final String PUSH = "urn:ietf:rfc:8935";
    /** Most characters of {@code endpoint_url}. */
    public static final int MAX_URL = 2048;
    /** Most characters of {@code authorization_header}. */
    public static final int MAX_AUTHORIZATION = 4096;
    /** Most characters of {@code description}. */
    public static final int MAX_DESCRIPTION = 1024;
    /** Most entries of {@code events_requested}, and most characters of one. */
    public static final int MAX_EVENTS = 10;
    public static final int MAX_EVENT_URI = 256;

    /**
     * A validated registration.
     *
     * @param endpointUrl         absolute URL ({@link ReceiverAddresses#checkRegistration})
     * @param authorizationHeader the header value, or null
     * @param eventsRequested     event type URIs
     * @param description         free text, or null
     */
    public record Registration(String endpointUrl, String authorizationHeader, List<String> eventsRequested,
            String description) {
    }

    private final SsfStreamRepository streams;
    private final ReceiverAddresses addresses;
    private final ObjectMapper json;
    private final int maxStreams;

    public SsfStreams(SsfStreamRepository streams, ReceiverAddresses addresses, ObjectMapper json, SsfConfig config) {
        this.streams = streams;
        this.addresses = addresses;
        this.json = json;
        this.maxStreams = config.maxStreamsPerTenant();
    }

    /**
     * Checks a registration body's members.
     *
     * @throws ProblemException 400 naming the member (JSON pointer) that is missing, malformed or unsupported (a
     *                          delivery method other than push, an endpoint URL {@link ReceiverAddresses} refuses);
     *                          422 {@code limit-exceeded} naming the member over its length or count
     */
    public Registration validate(String method, String endpointUrl, String authorization, List<String> events,
            String description) {
        if (method == null) {
            throw ProblemException.badField("/delivery/method", "/delivery/method is required");
        }
        if (!PUSH.equals(method)) {
            throw ProblemException.badField("/delivery/method", "/delivery/method " + method
                    + " is not supported; the only method is " + PUSH + " (push)");
        }
        if (endpointUrl == null) {
            throw ProblemException.badField("/delivery/endpoint_url", "/delivery/endpoint_url is required");
        }
        checkText("/delivery/endpoint_url", endpointUrl, MAX_URL);
        URI uri = addresses.checkRegistration("/delivery/endpoint_url", endpointUrl);
        if (authorization != null) {
            checkText("/delivery/authorization_header", authorization, MAX_AUTHORIZATION);
            if (!authorization.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw ProblemException.badField("/delivery/authorization_header",
                        "/delivery/authorization_header must be printable ASCII");
            }
        }
        List<String> requested = events == null ? List.of() : events;
        if (requested.size() > MAX_EVENTS) {
            throw ProblemException.overLimit("/events_requested", MAX_EVENTS, "/events_requested has "
                    + requested.size() + " entries; the limit is " + MAX_EVENTS);
        }
        for (int i = 0; i < requested.size(); i++) {
            if (requested.get(i) == null) {
                throw ProblemException.badField("/events_requested/" + i, "/events_requested/" + i + " is null");
            }
            checkText("/events_requested/" + i, requested.get(i), MAX_EVENT_URI);
        }
        if (description != null) {
            checkText("/description", description, MAX_DESCRIPTION);
        }
        return new Registration(uri.toString(), authorization, List.copyOf(requested), description);
    }

    private static void checkText(String field, String value, int max) {
        Identifiers.Refusal refusal = Identifiers.textViolation(value, max);
        if (refusal != null) {
            throw refusal.limit() != null ? ProblemException.overLimit(field, refusal.limit(), field + " "
                    + refusal.reason()) : ProblemException.badField(field, field + " " + refusal.reason());
        }
    }

    /**
     * Registers a stream for {@code tenant}; its {@code aud} is the endpoint URL (the receiver's identity here).
     *
     * @throws ProblemException 404/403 as {@link #list}; 422 {@code limit-exceeded} ({@code streams}) over
     *                          {@code crosstenant.ssf.max-streams-per-tenant}
     */
    public Uni<SsfStream> create(Caller caller, String tenant, Registration registration) {
        authorize(caller, tenant, "register streams");
        return Panache.withTransaction(() -> streams.getSession()
                // one registration of a tenant at a time, so two concurrent ones cannot both pass the cap
                .flatMap(session -> session.createNativeQuery("select pg_advisory_xact_lock(hashtext(:t))")
                        .setParameter("t", "ssf:" + tenant).getSingleResult())
                .flatMap(ignored -> streams.countOfTenant(tenant))
                .flatMap(count -> {
                    if (count >= maxStreams) {
                        throw ProblemException.overLimit("streams", maxStreams, tenant + " has " + count
                                + " streams; the limit is " + maxStreams);
                    }
                    SsfStream stream = new SsfStream();
                    stream.id = UUID.randomUUID();
                    stream.tenant = tenant;
                    stream.aud = registration.endpointUrl();
                    stream.endpointUrl = registration.endpointUrl();
                    stream.authorizationHeader = registration.authorizationHeader();
                    stream.eventsRequested = toJson(registration.eventsRequested());
                    stream.description = registration.description();
                    stream.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    return streams.persist(stream);
                }));
    }

    /**
     * The tenant's streams, oldest first.
     *
     * @throws ProblemException 404 for a path tenant that is no tenant id, 403 unless the caller is a collab-admin
     *                          of it
     */
    public Uni<List<SsfStream>> list(Caller caller, String tenant) {
        authorize(caller, tenant, "read streams");
        return Panache.withSession(() -> streams.ofTenant(tenant));
    }

    /**
     * One stream of the tenant.
     *
     * @throws ProblemException as {@link #list}; 404 for an unknown id or another tenant's stream
     */
    public Uni<SsfStream> get(Caller caller, String tenant, String id) {
        authorize(caller, tenant, "read streams");
        UUID uuid = parse(id);
        return Panache.withSession(() -> streams.ofTenant(tenant, uuid)).map(stream -> {
            if (stream == null) {
                throw ProblemException.notFound("No stream " + id + " of " + tenant);
            }
            return stream;
        });
    }

    /**
     * Deletes a stream and its pending deliveries (nothing more is pushed to it).
     *
     * @throws ProblemException as {@link #get}
     */
    public Uni<Void> delete(Caller caller, String tenant, String id) {
        authorize(caller, tenant, "delete streams");
        UUID uuid = parse(id);
        return Panache.withTransaction(() -> streams.delete("id = ?1 and tenant = ?2", uuid, tenant)).map(count -> {
            if (count == 0) {
                throw ProblemException.notFound("No stream " + id + " of " + tenant);
            }
            return null;
        });
    }

    /** {@code events_delivered}: the requested types this transmitter supports (SSF 1.0 §8.1.1). */
    public static List<String> delivered(List<String> requested) {
        List<String> out = new ArrayList<>(requested);
        out.retainAll(SecurityEvents.SUPPORTED);
        return out;
    }

    /**
     * Checks that the caller may register streams of {@code tenant}, before its body's members are looked at.
     *
     * @throws ProblemException 404 for a path tenant that is no tenant id, 403 unless a collab-admin of it
     */
    public static void authorizeRegistration(Caller caller, String tenant) {
        authorize(caller, tenant, "register streams");
    }

    private static void authorize(Caller caller, String tenant, String what) {
        if (!Identifiers.isId(tenant)) {
            throw ProblemException.notFound("No tenant " + tenant);
        }
        if (!caller.isAdminOf(tenant)) {
            throw ProblemException.forbidden("Only a collab-admin of " + tenant + " may " + what);
        }
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("No stream " + id);
        }
    }

    private String toJson(List<String> values) {
        try {
            return json.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
