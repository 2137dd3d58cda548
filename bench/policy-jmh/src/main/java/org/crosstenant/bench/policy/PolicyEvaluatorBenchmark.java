package org.crosstenant.bench.policy;

import org.crosstenant.policy.model.Access;
import org.crosstenant.policy.model.CollaborationRules;
import org.crosstenant.policy.model.PartnerSettings;
import org.crosstenant.policy.model.TargetRule;
import org.crosstenant.policy.service.PolicyEvaluator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of {@link PolicyEvaluator#evaluate} on one thread (decisions/s per core; the score unit is ops/s) for
 * a few realistic partner configurations. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the allocation
 * per decision in bytes. Each benchmark returns the evaluation, so JMH consumes it and the work is not eliminated.
 * <p>
 * Cases: an invitee admitted by short allow lists on both sides; an invitee denied because the home tenant blocks
 * all outbound users; an invitee admitted by a 1,000-entry allow list where it is listed last (worst-case scan);
 * an invitee admitted by a 1,000-entry block list it is not on (full scan, then admitted).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PolicyEvaluatorBenchmark {

    private static final String RESOURCE = "contoso";
    private static final String HOME = "fabrikam";
    private static final String APP = "projects";
    private static final String INVITEE = "alice@fabrikam.example";

    private PolicyEvaluator.Request request;
    private Optional<PolicyEvaluator.VersionedSettings> inboundShortAllow;
    private Optional<PolicyEvaluator.VersionedSettings> outboundShortAllow;
    private Optional<PolicyEvaluator.VersionedSettings> outboundBlockAll;
    private Optional<PolicyEvaluator.VersionedSettings> inboundLargeAllow;
    private Optional<PolicyEvaluator.VersionedSettings> inboundLargeBlock;

    @Setup(Level.Trial)
    public void setUp() {
        request = new PolicyEvaluator.Request(RESOURCE, HOME, APP, INVITEE);
        TargetRule apps = new TargetRule(Access.ALLOWED, false, List.of("wiki", APP, "tickets"));

        List<String> ten = emails(9);
        ten.add(INVITEE);
        inboundShortAllow = settings(inbound(new TargetRule(Access.ALLOWED, false, ten), apps), 3);
        outboundShortAllow = settings(outbound(new TargetRule(Access.ALLOWED, false, ten), apps), 7);
        outboundBlockAll = settings(outbound(new TargetRule(Access.BLOCKED, true, List.of()), apps), 8);

        List<String> thousand = emails(999);
        thousand.add(INVITEE);
        inboundLargeAllow = settings(inbound(new TargetRule(Access.ALLOWED, false, thousand), apps), 11);
        inboundLargeBlock = settings(inbound(new TargetRule(Access.BLOCKED, false, emails(1000)), apps), 12);
    }

    /** Allowed: both sides list the invitee and the application in short allow lists. */
    @Benchmark
    public PolicyEvaluator.Evaluation allowByList() {
        return PolicyEvaluator.evaluate(request, true, inboundShortAllow, outboundShortAllow);
    }

    /** Denied: the home tenant blocks all outbound users. */
    @Benchmark
    public PolicyEvaluator.Evaluation denyByBlock() {
        return PolicyEvaluator.evaluate(request, true, inboundShortAllow, outboundBlockAll);
    }

    /** Allowed by a 1,000-entry inbound allow list, invitee listed last. */
    @Benchmark
    public PolicyEvaluator.Evaluation allowByLargeList() {
        return PolicyEvaluator.evaluate(request, true, inboundLargeAllow, outboundShortAllow);
    }

    /** Allowed: not on a 1,000-entry inbound block list. */
    @Benchmark
    public PolicyEvaluator.Evaluation allowNotOnLargeBlockList() {
        return PolicyEvaluator.evaluate(request, true, inboundLargeBlock, outboundShortAllow);
    }

    private static List<String> emails(int count) {
        List<String> emails = new ArrayList<>(count + 1);
        for (int i = 0; i < count; i++) {
            emails.add("user" + i + "@" + HOME + ".example");
        }
        return emails;
    }

    private static PartnerSettings inbound(TargetRule users, TargetRule apps) {
        return new PartnerSettings(new CollaborationRules(users, apps), null);
    }

    private static PartnerSettings outbound(TargetRule users, TargetRule apps) {
        return new PartnerSettings(null, new CollaborationRules(users, apps));
    }

    private static Optional<PolicyEvaluator.VersionedSettings> settings(PartnerSettings settings, long version) {
        return Optional.of(new PolicyEvaluator.VersionedSettings(settings, version));
    }
}
