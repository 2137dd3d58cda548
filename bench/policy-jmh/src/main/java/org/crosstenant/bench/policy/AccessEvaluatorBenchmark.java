package org.crosstenant.bench.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.policy.service.AccessEvaluator;
import org.crosstenant.policy.service.AccessEvaluator.Invitation;
import org.crosstenant.policy.service.AccessEvaluator.Mode;
import org.crosstenant.policy.service.AccessEvaluator.Stage;
import org.crosstenant.policy.service.AccessEvaluator.Verdict;
import org.crosstenant.policy.service.AccessSettingsParser;
import org.crosstenant.policy.service.CompiledSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * policy-service's evaluator ({@link AccessEvaluator}) over PRECOMPILED effective settings ({@link CompiledSettings},
 * compiled once in the setup as the service compiles them once per settings change). Throughput on one thread is
 * decisions/s per core; SampleTime gives the latency distribution (p50); run with {@code -prof gc}:
 * {@code gc.alloc.rate.norm} is the allocation per decision in bytes. Each benchmark returns the verdict, so JMH
 * consumes it.
 * <p>
 * Cases: an invitation (collaboration, decision stage) admitted by short lists on both sides with a domain deny list;
 * one denied because the home tenant blocks all outbound users; one admitted by a 500-entry allow list (the list
 * limit) the invitee is last on; a direct-connect access check (access stage) admitted by a group of the person's.
 * <p>
 * Baselines of the same run, for ratios (absolute figures drift on shared cores): {@code baselineHashLookups}, the
 * floor of any decision that looks the invitee and the application up on both sides (four {@link HashSet#contains}
 * on sets of the same sizes); {@code baselineCompilePerDecision}, the short-lists decision when the effective
 * settings are compiled for every decision instead of once per settings change.
 */
@State(Scope.Thread)
@BenchmarkMode({org.openjdk.jmh.annotations.Mode.Throughput, org.openjdk.jmh.annotations.Mode.SampleTime})
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AccessEvaluatorBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP = "projects";
    private static final String INVITEE = "alice@fabrikam.example";

    private Invitation invitation;
    private CompiledSettings resourceShort;
    private CompiledSettings resourceLarge;
    private CompiledSettings homeShort;
    private CompiledSettings homeBlocksAll;
    private CompiledSettings directConnect;
    private List<String> groups;
    private Set<String> resourceUserSet;
    private Set<String> homeUserSet;
    private Set<String> appSet;
    private AccessSettings resourceShortSettings;
    private AccessSettings homeShortSettings;

    @Setup(Level.Trial)
    public void setUp() {
        invitation = new Invitation("contoso", "fabrikam", APP, INVITEE, "fabrikam.example", false, true);
        groups = List.of("sales", "all-staff", "engineering");
        ObjectNode apps = rule("allowed");
        apps.withArray("targets").add("wiki").add(APP).add("tickets");

        resourceShort = compile("inbound", "collaboration", users(10), apps, true);
        resourceLarge = compile("inbound", "collaboration", users(500), apps, true);
        homeShort = compile("outbound", "collaboration", users(10), apps, false);
        ObjectNode blockAll = rule("blocked");
        blockAll.withArray("targets").add("all");
        homeBlocksAll = compile("outbound", "collaboration", blockAll, apps, false);
        ObjectNode byGroup = rule("allowed");
        byGroup.withArray("targets").addObject().put("group", "engineering");
        ObjectNode inbound = JSON.createObjectNode();
        inbound.putObject("inbound").putObject("directConnect").<ObjectNode>set("usersAndGroups", byGroup)
                .set("applications", apps);
        ObjectNode outbound = JSON.createObjectNode();
        outbound.putObject("outbound").putObject("directConnect").<ObjectNode>set("usersAndGroups", byGroup)
                .set("applications", apps);
        // one tenant's settings for the other, inbound and outbound both set: the same object serves both sides
        inbound.setAll(outbound);
        directConnect = CompiledSettings.compile(AccessSettingsParser.parse(inbound), AccessSettings.EMPTY, 0, 1);

        resourceUserSet = new HashSet<>(emails(10));
        homeUserSet = new HashSet<>(emails(10));
        appSet = new HashSet<>(List.of("wiki", APP, "tickets"));
        resourceShortSettings = AccessSettingsParser.parse(body("inbound", "collaboration", users(10), apps, true));
        homeShortSettings = AccessSettingsParser.parse(body("outbound", "collaboration", users(10), apps, false));
    }

    /** Floor: the four hash look-ups (invitee and application, both sides) any list-based decision needs. */
    @Benchmark
    public boolean baselineHashLookups() {
        return resourceUserSet.contains(INVITEE) && appSet.contains(APP) && homeUserSet.contains(INVITEE)
                && appSet.contains(APP);
    }

    /** The short-lists decision with both sides' settings compiled per decision instead of once per change. */
    @Benchmark
    public Verdict baselineCompilePerDecision() {
        return AccessEvaluator.decide(invitation,
                CompiledSettings.compile(resourceShortSettings, AccessSettings.EMPTY, 0, 1),
                CompiledSettings.compile(homeShortSettings, AccessSettings.EMPTY, 0, 1));
    }

    /** Allowed invitation: both sides list the invitee and the application; a domain deny list is checked. */
    @Benchmark
    public Verdict invitationAllowedByShortLists() {
        return AccessEvaluator.decide(invitation, resourceShort, homeShort);
    }

    /** Denied invitation: the home tenant blocks all outbound users. */
    @Benchmark
    public Verdict invitationDeniedByHomeBlock() {
        return AccessEvaluator.decide(invitation, resourceShort, homeBlocksAll);
    }

    /** Allowed invitation by a 500-entry inbound allow list (hash lookup: the size does not matter). */
    @Benchmark
    public Verdict invitationAllowedByLargeList() {
        return AccessEvaluator.decide(invitation, resourceLarge, homeShort);
    }

    /** Direct-connect access check at the access stage: admitted by a group of the person's home token. */
    @Benchmark
    public Verdict directConnectAccessByGroup() {
        return AccessEvaluator.evaluate(directConnect, directConnect, Mode.DIRECT_CONNECT, Stage.ACCESS, INVITEE,
                "f-alice", groups, APP);
    }

    private static List<String> emails(int count) {
        List<String> emails = new java.util.ArrayList<>();
        for (int i = 1; i < count; i++) {
            emails.add("user" + i + "@fabrikam.example");
        }
        emails.add(INVITEE);
        return emails;
    }

    private static ObjectNode users(int count) {
        ObjectNode rule = rule("allowed");
        ArrayNode targets = rule.withArray("targets");
        for (int i = 1; i < count; i++) {
            targets.addObject().put("user", "user" + i + "@fabrikam.example");
        }
        targets.addObject().put("user", INVITEE);
        return rule;
    }

    private static ObjectNode rule(String access) {
        ObjectNode rule = JSON.createObjectNode().put("access", access);
        rule.putArray("targets");
        return rule;
    }

    private static CompiledSettings compile(String direction, String mode, ObjectNode users, ObjectNode apps,
                                            boolean withDomainRule) {
        return CompiledSettings.compile(AccessSettingsParser.parse(body(direction, mode, users, apps, withDomainRule)),
                AccessSettings.EMPTY, 0, 1);
    }

    private static ObjectNode body(String direction, String mode, ObjectNode users, ObjectNode apps,
                                   boolean withDomainRule) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject(direction).putObject(mode).<ObjectNode>set("usersAndGroups", users).set("applications", apps);
        if (withDomainRule) {
            ObjectNode domains = rule("blocked");
            domains.withArray("targets").add("globex.example");
            body.putObject("invitations").set("domains", domains);
        }
        return body;
    }
}
