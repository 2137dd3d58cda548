package org.crosstenant.policy.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.messaging.OutboxRelay;
import org.crosstenant.policy.model.Application;
import org.crosstenant.policy.model.Identifiers;
import org.crosstenant.policy.model.Party;
import org.crosstenant.policy.repository.ApplicationRepository;

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

    public ApplicationService(ApplicationRepository applications, OutboxWriter outbox, OutboxRelay relay) {
        this.applications = applications;
        this.outbox = outbox;
        this.relay = relay;
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
     * Registers or updates; an update that changes nothing keeps the version and publishes nothing, so a repeated
     * PUT is harmless. The event is published right after the commit.
     *
     * @return the application and the event written
     */
    public Uni<Registration> register(String tenant, String appId, ApplicationInput input, Party by) {
        validate(input);
        return Panache.withTransaction(() -> applications.findForUpdate(tenant, appId).chain(existing -> {
                    if (existing != null && Objects.equals(existing.upstreamUrl, input.upstreamUrl())
                            && Objects.equals(existing.displayName, input.displayName())
                            && existing.requireMfa == input.requireMfa()) {
                        return Uni.createFrom().item(new Registration(existing, null));
                    }
                    Application app = existing != null ? existing : newApplication(tenant, appId);
                    app.upstreamUrl = input.upstreamUrl();
                    app.displayName = input.displayName();
                    app.requireMfa = input.requireMfa();
                    app.version = app.version + 1;
                    app.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    app.updatedBy = by.subject();
                    return applications.persist(app)
                            .chain(saved -> outbox.append(PolicyEvents.APPLICATION_AGGREGATE,
                                    PolicyEvents.applicationKey(tenant, appId), PolicyEvents.APPLICATION_REGISTERED,
                                    PolicyEvents.POLICY_EVENTS_TOPIC, PolicyEvents.applicationRegistered(saved, by),
                                    saved.updatedAt).map(event -> new Registration(saved, event.id)));
                }))
                .invoke(relay::trigger);
    }

    public Uni<Application> get(String tenant, String appId) {
        return Panache.withSession(() -> applications.findByTenantAndApp(tenant, appId))
                .onItem().ifNull().failWith(() -> new UnknownResourceException(
                        "application " + appId + " is not registered by " + tenant));
    }

    private static Application newApplication(String tenant, String appId) {
        Application app = new Application();
        app.id = UUID.randomUUID();
        app.tenant = tenant;
        app.appId = appId;
        app.version = 0;
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
