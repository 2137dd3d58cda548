package org.crosstenant.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.crosstenant.gateway.FederatedTokenServiceTest.MutableClock;
import org.crosstenant.gateway.model.AccessDecision;
import org.crosstenant.gateway.model.AccessEvent;
import org.crosstenant.gateway.model.FederatedIdentity;
import org.crosstenant.gateway.service.AccessAuditor;
import org.junit.jupiter.api.Test;

/** Sign-in-log style aggregation of /apps decisions, driven by a test clock (no waiting). */
class AccessAuditorTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T05:00:00Z"));
    private final List<AccessEvent> events = new ArrayList<>();
    private final AtomicBoolean accepting = new AtomicBoolean(true);
    private final AtomicLong suppressed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AccessAuditor.Counters counters = new AccessAuditor.Counters() {
        @Override
        public void suppressed() {
            suppressed.incrementAndGet();
        }

        @Override
        public void dropped(long requests) {
            dropped.addAndGet(requests);
        }
    };
    private final FederatedIdentity bob = identity("bob", "session-1");
    private final AccessDecision guest = AccessDecision.guest("inv-1");
    private final AccessDecision denied = AccessDecision.denied("no active guest grant");

    private AccessAuditor auditor(int deniedPerSecond, int maxKeys) {
        return auditor(deniedPerSecond, 1000, maxKeys);
    }

    private AccessAuditor auditor(int deniedPerSecond, int perTenant, int maxKeys) {
        return new AccessAuditor(Duration.ofSeconds(60), deniedPerSecond, perTenant,
                java.util.Set.of("contoso", "fabrikam")::contains, maxKeys, e -> {
            if (!accepting.get()) {
                return false;
            }
            events.add(e);
            return true;
        }, clock, counters);
    }

    @Test
    void theFirstRequestOfAWindowIsEmittedAtOnceAndTheRestAsOneSummaryAtItsEnd() {
        AccessAuditor auditor = auditor(5, 100);
        auditor.record(bob, "contoso", "projects", guest, "GET", "/apps/contoso/projects/a");
        assertEquals(1, events.size(), "a sign-in is seen immediately");
        AccessEvent first = events.get(0);
        assertTrue(first.allowed());
        assertEquals(1, first.requestCount());
        assertEquals("session-1", first.session());
        assertEquals("/apps/contoso/projects/a", first.path());

        Instant second = clock.instant().plusSeconds(5);
        clock.advance(Duration.ofSeconds(5));
        auditor.record(bob, "contoso", "projects", guest, "POST", "/apps/contoso/projects/b");
        clock.advance(Duration.ofSeconds(10));
        auditor.record(bob, "contoso", "projects", guest, "GET", "/apps/contoso/projects/c");
        Instant last = clock.instant();
        auditor.flush();
        assertEquals(1, events.size(), "nothing more before the window ends");

        clock.advance(Duration.ofSeconds(46));
        auditor.flush();
        assertEquals(2, events.size());
        AccessEvent summary = events.get(1);
        assertEquals(2, summary.requestCount());
        assertEquals("/apps/contoso/projects/b", summary.path(), "path = the first one the summary stands for");
        assertEquals("POST", summary.method());
        assertEquals(second, summary.firstAt());
        assertEquals(last, summary.lastAt());
        assertEquals(second.toString(), summary.payload().get("occurredAt"));
        assertEquals(0, auditor.trackedKeys(), "an ended window is forgotten");

        auditor.record(bob, "contoso", "projects", guest, "GET", "/apps/contoso/projects/d");
        assertEquals(3, events.size(), "the next request opens a new window, emitted at once");
    }

    @Test
    void aWindowWithASingleRequestHasNoSummary() {
        AccessAuditor auditor = auditor(5, 100);
        auditor.record(bob, "contoso", "projects", guest, "GET", "/x");
        clock.advance(Duration.ofSeconds(61));
        auditor.flush();
        assertEquals(1, events.size());
        assertEquals(0, auditor.trackedKeys());
    }

    @Test
    void windowsAreKeptApartByCallerApplicationAndSession() {
        AccessAuditor auditor = auditor(5, 100);
        auditor.record(bob, "contoso", "projects", guest, "GET", "/x");
        auditor.record(identity("bob", "session-2"), "contoso", "projects", guest, "GET", "/x");
        auditor.record(bob, "contoso", "wiki", guest, "GET", "/x");
        auditor.record(identity("carol", "session-1"), "contoso", "projects", guest, "GET", "/x");
        auditor.record(bob, "contoso", "projects", guest, "GET", "/x"); // the only repeat
        assertEquals(4, events.size());
        assertEquals(4, auditor.trackedKeys());
    }

    @Test
    void denialsAreRateLimitedPerCallerAndTheSuppressedCountTravelsOnTheNextEmittedOne() {
        AccessAuditor auditor = auditor(2, 100);
        for (int i = 0; i < 10; i++) {
            auditor.record(bob, "contoso", "projects", denied, "GET", "/d/" + i);
        }
        assertEquals(2, events.size());
        assertEquals(List.of(0, 0), events.stream().map(AccessEvent::suppressedCount).toList());
        assertEquals(8, suppressed.get());
        // another caller is not buried by bob's flood
        auditor.record(identity("eve", "s"), "contoso", "projects", denied, "GET", "/e");
        assertEquals(3, events.size());

        clock.advance(Duration.ofMillis(1500));
        auditor.record(bob, "contoso", "projects", denied, "GET", "/d/10");
        AccessEvent next = events.get(3);
        assertEquals(8, next.suppressedCount());
        assertEquals("/d/10", next.path());
        assertEquals(11, events.stream().filter(e -> e.caller().subject().equals("bob")).mapToLong(AccessEvent::requests)
                .sum(), "every denial is accounted for");
    }

    @Test
    void varyingTheApplicationOrAnUnknownTenantInTheUrlDoesNotEscapeTheDenialLimit() {
        AccessAuditor auditor = auditor(2, 100);
        // a flood of made-up application names against a real tenant, and of made-up tenants
        for (int i = 0; i < 50; i++) {
            auditor.record(bob, "contoso", "app-" + i, denied, "GET", "/apps/contoso/app-" + i + "/x");
            auditor.record(bob, "tenant-" + i, "app", denied, "GET", "/apps/tenant-" + i + "/app/x");
        }
        assertEquals(4, events.size(), "2 per second for contoso, 2 for all unknown tenants together");
        assertEquals(96, suppressed.get());
        assertEquals(2, auditor.trackedKeys());
        // a real tenant keeps a limit of its own: another tenant's flood cannot use it up
        auditor.record(bob, "fabrikam", "wiki", denied, "GET", "/apps/fabrikam/wiki/x");
        assertEquals(5, events.size());

        clock.advance(Duration.ofSeconds(1));
        auditor.flush();
        assertEquals(100 + 1, events.stream().mapToLong(AccessEvent::requests).sum(), "every denial is accounted for");
    }

    @Test
    void manySubjectsOfOneTenantShareItsBudgetAgainstAResourceTenant() {
        AccessAuditor auditor = auditor(2, 6, 100);
        // a home tenant whose identity provider mints a new subject per request
        for (int i = 0; i < 40; i++) {
            auditor.record(identity("minted-" + i, "s"), "contoso", "projects", denied, "GET", "/d/" + i);
        }
        assertEquals(6, events.size(), "fabrikam's callers together: at most 6 denial events per second on contoso");
        // another resource tenant has a budget of its own
        auditor.record(identity("minted-0", "s"), "fabrikam", "wiki", denied, "GET", "/w");
        assertEquals(7, events.size());

        clock.advance(Duration.ofSeconds(1));
        auditor.flush();
        assertEquals(8, events.size(), "one carrier for the tenant pair's suppressed denials");
        AccessEvent carrier = events.get(7);
        assertEquals("/d/39", carrier.path());
        assertEquals(33, carrier.suppressedCount());
        assertEquals(41, events.stream().mapToLong(AccessEvent::requests).sum(), "every denial is accounted for");
    }

    @Test
    void beyondTheKeyBoundDenialsAreStillHeldToTheTenantBudget() {
        AccessAuditor auditor = auditor(2, 3, 1);
        auditor.record(bob, "contoso", "projects", guest, "GET", "/a"); // fills the single tracked key
        for (int i = 0; i < 20; i++) {
            auditor.record(identity("untracked-" + i, "s"), "contoso", "projects", denied, "GET", "/d/" + i);
        }
        assertEquals(1 + 3, events.size(), "untracked callers get the pair's budget, not one event each");
        clock.advance(Duration.ofSeconds(1));
        auditor.flush();
        assertEquals(21, events.stream().mapToLong(AccessEvent::requests).sum());
        assertEquals(0, dropped.get());
    }

    @Test
    void suppressedCountsAreFlushedWithoutWaitingForAnotherDenial() {
        AccessAuditor auditor = auditor(1, 100);
        for (int i = 0; i < 4; i++) {
            auditor.record(bob, "contoso", "projects", denied, "GET", "/d/" + i);
        }
        auditor.flush();
        assertEquals(1, events.size(), "not before the second is over");
        clock.advance(Duration.ofSeconds(1));
        auditor.flush();
        assertEquals(2, events.size());
        AccessEvent carrier = events.get(1);
        assertEquals("/d/3", carrier.path(), "the last suppressed denial carries the count");
        assertEquals(2, carrier.suppressedCount());
        assertEquals(4, events.stream().mapToLong(AccessEvent::requests).sum());
        clock.advance(Duration.ofSeconds(1));
        auditor.flush();
        assertEquals(0, auditor.trackedKeys());
    }

    @Test
    void whenTheSinkRefusesTheCountsAreHeldAndOfferedAgainNotLost() {
        AccessAuditor auditor = auditor(1, 100);
        accepting.set(false);
        for (int i = 0; i < 3; i++) {
            auditor.record(bob, "contoso", "projects", guest, "GET", "/a/" + i);
            auditor.record(bob, "contoso", "projects", denied, "GET", "/d/" + i);
        }
        clock.advance(Duration.ofSeconds(61));
        auditor.flush();
        assertEquals(0, events.size());
        accepting.set(true);
        auditor.flush();
        assertEquals(6, events.stream().mapToLong(AccessEvent::requests).sum());
        assertEquals(0, dropped.get());
    }

    @Test
    void beyondTheKeyBoundEventsAreEmittedUntrackedRatherThanDropped() {
        AccessAuditor auditor = auditor(5, 2);
        for (int i = 0; i < 5; i++) {
            auditor.record(identity("user-" + i, "s"), "contoso", "projects", guest, "GET", "/x");
            auditor.record(identity("user-" + i, "s"), "contoso", "projects", guest, "GET", "/x");
        }
        assertTrue(auditor.trackedKeys() <= 2);
        auditor.flushAll();
        assertEquals(10, events.stream().mapToLong(AccessEvent::requests).sum());
        assertEquals(0, dropped.get());

        accepting.set(false);
        auditor.record(identity("held-1", "s"), "contoso", "projects", guest, "GET", "/x");
        auditor.record(identity("held-2", "s"), "contoso", "projects", guest, "GET", "/x");
        assertEquals(0, dropped.get(), "tracked keys hold their counts while the sink refuses");
        auditor.record(identity("late", "s"), "contoso", "projects", guest, "GET", "/x");
        assertEquals(1, dropped.get(), "only an untracked event the sink refuses is lost, and counted");
    }

    @Test
    void flushAllHandsOverOpenWindowsAndSuppressedCounts() {
        AccessAuditor auditor = auditor(1, 100);
        for (int i = 0; i < 3; i++) {
            auditor.record(bob, "contoso", "projects", guest, "GET", "/a");
            auditor.record(bob, "contoso", "projects", denied, "GET", "/d");
        }
        auditor.flushAll();
        assertEquals(6, events.stream().mapToLong(AccessEvent::requests).sum());
        assertEquals(0, auditor.trackedKeys());
    }

    private static FederatedIdentity identity(String subject, String session) {
        return new FederatedIdentity("fabrikam", "http://idp/realms/fabrikam", subject, subject + "@fabrikam.example",
                List.of(), session, Instant.parse("2026-11-30T06:00:00Z"));
    }
}
