package org.crosstenant.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.crosstenant.gateway.model.AppRoute;
import org.crosstenant.gateway.repository.LocalView;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * application-removed.v1 in the gateway's view (issue #8): the route goes, ordered by version against the
 * registrations of the same application, so a replayed or reordered event never brings back what is gone nor deletes
 * what is newer.
 */
class ViewApplicationRemovalTest {

    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final LocalView view = new LocalView();
    private final ViewUpdater updater = new ViewUpdater(view, json);

    private static String registered(String app, String upstream, long version) {
        return """
                {"tenant": "contoso", "application": "%s", "upstreamUrl": "%s", "version": %d,
                 "registeredBy": {"tenant": "contoso", "subject": "alice", "email": null},
                 "occurredAt": "2026-12-02T08:00:00Z"}""".formatted(app, upstream, version);
    }

    private static String removed(String app, long version) {
        return """
                {"tenant": "contoso", "application": "%s", "version": %d,
                 "removedBy": {"tenant": "contoso", "subject": "alice", "email": null},
                 "occurredAt": "2026-12-02T08:30:00Z"}""".formatted(app, version);
    }

    private Optional<String> upstream(String app) {
        return view.route("contoso", app).map(AppRoute::upstreamUrl);
    }

    @Test
    void aRemovalDeletesTheRouteAndOnlyANewerRegistrationBringsOneBack() {
        assertTrue(updater.apply(ViewUpdater.APPLICATION_REGISTERED, registered("projects", "http://one", 1)));
        assertTrue(updater.apply(ViewUpdater.APPLICATION_REGISTERED, registered("wiki", "http://wiki", 1)));
        assertEquals(Optional.of("http://one"), upstream("projects"));

        assertTrue(updater.apply(ViewUpdater.APPLICATION_REMOVED, removed("projects", 2)));
        assertEquals(Optional.empty(), upstream("projects"), "removed");
        assertEquals(Optional.of("http://wiki"), upstream("wiki"), "another application is untouched");
        assertEquals(1, view.routeCount(), "a removed application is no route");

        // replays of what came before change nothing
        updater.apply(ViewUpdater.APPLICATION_REGISTERED, registered("projects", "http://one", 1));
        assertEquals(Optional.empty(), upstream("projects"), "an older registration does not bring it back");
        updater.apply(ViewUpdater.APPLICATION_REMOVED, removed("projects", 2));
        assertEquals(Optional.empty(), upstream("projects"), "applying twice is harmless");

        // registered again: a higher version
        updater.apply(ViewUpdater.APPLICATION_REGISTERED, registered("projects", "http://three", 3));
        assertEquals(Optional.of("http://three"), upstream("projects"));
        // the stale removal, replayed or reordered after it, does not delete the newer registration
        updater.apply(ViewUpdater.APPLICATION_REMOVED, removed("projects", 2));
        assertEquals(Optional.of("http://three"), upstream("projects"));
        updater.apply(ViewUpdater.APPLICATION_REGISTERED, registered("projects", "http://one", 1));
        assertEquals(Optional.of("http://three"), upstream("projects"));
        assertEquals(2, view.routeCount());

        // and the next removal deletes it
        updater.apply(ViewUpdater.APPLICATION_REMOVED, removed("projects", 4));
        assertEquals(Optional.empty(), upstream("projects"));
    }

    /** A compacted topic keeps only a removed application's last event: replaying it from the start finds no route. */
    @Test
    void aRemovalSeenFirstKeepsOlderRegistrationsOut() {
        updater.apply(ViewUpdater.APPLICATION_REMOVED, removed("projects", 2));
        assertEquals(Optional.empty(), upstream("projects"));
        assertEquals(0, view.routeCount());
        updater.apply(ViewUpdater.APPLICATION_REGISTERED, registered("projects", "http://one", 1));
        assertEquals(Optional.empty(), upstream("projects"));
        updater.apply(ViewUpdater.APPLICATION_REGISTERED, registered("projects", "http://three", 3));
        assertEquals(Optional.of("http://three"), upstream("projects"));
    }

    /** A removal the view cannot place (no version, no tenant or application) is refused: dead-lettered, not guessed. */
    @Test
    void aRemovalWithoutWhatOrdersOrNamesItIsRefused() {
        updater.apply(ViewUpdater.APPLICATION_REGISTERED, registered("projects", "http://one", 1));
        for (String bad : new String[] {"{\"tenant\": \"contoso\", \"application\": \"projects\"}",
                "{\"tenant\": \"contoso\", \"application\": \"projects\", \"version\": null}",
                "{\"application\": \"projects\", \"version\": 2}", "{\"tenant\": \"contoso\", \"version\": 2}",
                "{\"tenant\": \"contoso\", \"application\": \"projects\", \"version\": \"two\"}", "[]", "", "{"}) {
            assertThrows(IllegalArgumentException.class, () -> updater.apply(ViewUpdater.APPLICATION_REMOVED, bad),
                    bad);
        }
        assertEquals(Optional.of("http://one"), upstream("projects"), "nothing refused changed the view");
    }
}
