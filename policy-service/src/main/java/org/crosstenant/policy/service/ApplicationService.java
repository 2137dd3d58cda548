package org.crosstenant.policy.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.messaging.OutboxRelay;
import org.crosstenant.policy.model.Application;
import org.crosstenant.policy.model.Identifiers;
import org.crosstenant.policy.model.Party;
import org.crosstenant.policy.repository.ApplicationRepository;
import org.crosstenant.policy.repository.LiveInvitationRepository;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/** The registry of applications each resource tenant shares. */
@ApplicationScoped
public class ApplicationService {

    private final ApplicationRepository applications;
    private final OutboxWriter outbox;
    private final OutboxRelay relay;
    private final LiveInvitationRepository live;
    private final Reevaluation reevaluation;

    public ApplicationService(ApplicationRepository applications, OutboxWriter outbox, OutboxRelay relay,
                              LiveInvitationRepository live, Reevaluation reevaluation) {
        this.applications = applications;
        this.outbox = outbox;
        this.relay = relay;
        this.live = live;
        this.reevaluation = reevaluation;
    }

    /** What a caller may set on an application. */
    public record ApplicationInput(String upstreamUrl, String displayName, boolean requireMfa) {
    }

    /**
     * What a registration did: the application as stored, and the id of the {@code application-registered.v1}
     * outbox row it wrote on policy.events (its CloudEvents id), or null when nothing changed.
     */
    public record Registration(Application application, UUID event) {
    }

    /**
     * What a removal did: the id of the {@code application-removed.v1} outbox row it wrote on policy.events (its
     * CloudEvents id) and how many live invitations it withdrew.
     */
    public record Removal(UUID event, int withdrawn) {
    }

    /**
     * Registers or updates; an update that changes nothing keeps the version and publishes nothing, so a repeated
     * PUT is harmless. The event is published right after the commit. An application registered again after a
     * removal is a new registration (nothing of the old one comes back, no invitation it ended) whose version
     * continues after the removal's, so that consumers ordering by version see it as the newer state.
     *
     * @param ifMatch the If-Match header (its ETag is {@code "<version>"}), or null: last write wins
     * @return the application and the event written
     * @throws AccessSettingsService.PreconditionFailedException (412) when If-Match does not hold
     */
    public Uni<Registration> register(String tenant, String appId, ApplicationInput input, String ifMatch, Party by) {
        validate(input);
        return Panache.withTransaction(() -> applications.findForUpdate(tenant, appId).chain(existing -> {
                    AccessSettingsService.requireMatch(ifMatch, existing != null, existing == null ? 0 : existing.version);
                    if (existing != null && Objects.equals(existing.upstreamUrl, input.upstreamUrl())
                            && Objects.equals(existing.displayName, input.displayName())
                            && existing.requireMfa == input.requireMfa()) {
                        return Uni.createFrom().item(new Registration(existing, null));
                    }
                    if (existing != null) {
                        return save(existing, input, by);
                    }
                    return applications.removedVersion(tenant, appId)
                            .chain(removed -> save(newApplication(tenant, appId, removed), input, by));
                }))
                .invoke(relay::trigger);
    }

    /**
     * Removes a registration (issue #8): in ONE transaction, under the tenant's exclusive advisory lock (the lock a
     * settings change takes, so no decision or projection batch of the tenant runs meanwhile), deletes it, writes
     * {@code application-removed.v1} (policy.events, version = the registration's + 1) and withdraws every live
     * invitation of the application, grants and pending ones, with one {@code access-withdrawn.v1} each
     * ({@link Reevaluation#withdrawRemoval}). The events are published right after the commit. The application is
     * then unknown to every reader: a new request for it is denied as for one never registered.
     *
     * @param ifMatch the If-Match header, or null
     * @return the removed event's id and how many invitations were withdrawn
     * @throws UnknownResourceException (404) when the application is not registered (also a repeated DELETE, which
     *                                  writes nothing)
     * @throws AccessSettingsService.PreconditionFailedException (412) when If-Match does not hold
     */
    public Uni<Removal> remove(String tenant, String appId, String ifMatch, Party by) {
        return Panache.withTransaction(() -> live.lockExclusive(tenant)
                        .chain(() -> applications.findForUpdate(tenant, appId)).chain(existing -> {
                    if (existing == null) {
                        throw notRegistered(tenant, appId);
                    }
                    AccessSettingsService.requireMatch(ifMatch, true, existing.version);
                    long version = existing.version + 1;
                    Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    return applications.remove(existing, version, at, by.subject())
                            .chain(() -> outbox.append(PolicyEvents.APPLICATION_AGGREGATE,
                                    PolicyEvents.applicationKey(tenant, appId), PolicyEvents.APPLICATION_REMOVED,
                                    PolicyEvents.POLICY_EVENTS_TOPIC,
                                    PolicyEvents.applicationRemoved(tenant, appId, version, by, at), at))
                            .chain(event -> reevaluation.withdrawRemoval(tenant, appId, at)
                                    .map(withdrawn -> new Removal(event.id, withdrawn)));
                }))
                .invoke(relay::trigger);
    }

    /**
     * What {@link #remove} would end, with its check (404) and nothing deleted or published: a dry run.
     *
     * @param ifMatch the If-Match header, or null (checked as the real removal checks it)
     * @return the live invitations of the application, each ending
     * @throws UnknownResourceException (404) when the application is not registered
     */
    public Uni<Reevaluation.Outcome> previewRemove(String tenant, String appId, String ifMatch) {
        return Panache.withSession(() -> applications.findByTenantAndApp(tenant, appId).chain(existing -> {
            if (existing == null) {
                throw notRegistered(tenant, appId);
            }
            AccessSettingsService.requireMatch(ifMatch, true, existing.version);
            return reevaluation.evaluateRemoval(tenant, appId);
        }));
    }

    /** Sets what the caller gave, bumps the version, stamps, persists and writes application-registered.v1. */
    private Uni<Registration> save(Application app, ApplicationInput input, Party by) {
        app.upstreamUrl = input.upstreamUrl();
        app.displayName = input.displayName();
        app.requireMfa = input.requireMfa();
        app.version = app.version + 1;
        app.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        app.updatedBy = by.subject();
        return applications.persist(app)
                .chain(saved -> outbox.append(PolicyEvents.APPLICATION_AGGREGATE,
                        PolicyEvents.applicationKey(saved.tenant, saved.appId),
                        PolicyEvents.APPLICATION_REGISTERED, PolicyEvents.POLICY_EVENTS_TOPIC,
                        PolicyEvents.applicationRegistered(saved, by), saved.updatedAt)
                        .map(event -> new Registration(saved, event.id)));
    }

    /**
     * @return the registered application
     * @throws UnknownResourceException (404) when it is not registered (never, or removed)
     */
    public Uni<Application> get(String tenant, String appId) {
        return Panache.withSession(() -> applications.findByTenantAndApp(tenant, appId))
                .onItem().ifNull().failWith(() -> notRegistered(tenant, appId));
    }

    private static UnknownResourceException notRegistered(String tenant, String appId) {
        return new UnknownResourceException("application " + appId + " is not registered by " + tenant);
    }

    /**
     * A new registration whose version continues after {@code removedVersion} (0 when never removed): its first
     * save makes it {@code removedVersion + 1}.
     */
    private static Application newApplication(String tenant, String appId, long removedVersion) {
        Application app = new Application();
        app.id = UUID.randomUUID();
        app.tenant = tenant;
        app.appId = appId;
        app.version = removedVersion;
        return app;
    }

    /** Most characters of {@code upstreamUrl} (printable ASCII, so also bytes). */
    public static final int MAX_UPSTREAM_URL = 2048;
    /** Most characters of {@code displayName}. */
    public static final int MAX_DISPLAY_NAME = 200;

    static void validate(ApplicationInput input) {
        Violations violations = new Violations();
        check(input, violations);
        violations.throwIfAny();
    }

    /**
     * Records every reason the input is not acceptable: {@code upstreamUrl} an absolute http(s) URL with a host and
     * no user info, 1 to {@value #MAX_UPSTREAM_URL} printable ASCII characters (percent-encode anything else; it is
     * stored and published exactly as given); {@code displayName}, when given, 1 to {@value #MAX_DISPLAY_NAME}
     * characters, not blank, no control characters (stored as given).
     *
     * @param input      what the caller sent
     * @param violations where the reasons go (limits with their field)
     */
    public static void check(ApplicationInput input, Violations violations) {
        String url = input.upstreamUrl();
        if (url == null || url.isBlank()) {
            violations.at("/upstreamUrl", "is required");
        } else if (url.length() > MAX_UPSTREAM_URL) {
            violations.overLimit("/upstreamUrl", MAX_UPSTREAM_URL, "/upstreamUrl is " + url.length()
                    + " characters; the limit is " + MAX_UPSTREAM_URL + " characters");
        } else if (!url.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            violations.at("/upstreamUrl", "must be printable ASCII without spaces (percent-encode anything else)");
        } else {
            try {
                URI uri = new URI(url);
                String scheme = uri.getScheme();
                if (!uri.isAbsolute() || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
                        || uri.getHost() == null || uri.getRawUserInfo() != null) {
                    violations.at("/upstreamUrl", "must be an absolute http(s) URL with a host and no user info");
                }
            } catch (URISyntaxException e) {
                violations.at("/upstreamUrl", "is not a valid URL: " + e.getReason());
            }
        }
        if (input.displayName() != null) {
            violations.add("/displayName", "/displayName",
                    Identifiers.textViolation(input.displayName(), MAX_DISPLAY_NAME));
        }
    }
}
