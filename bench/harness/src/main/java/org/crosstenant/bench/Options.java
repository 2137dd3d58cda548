package org.crosstenant.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The harness's command line (bench/run.sh passes its own options through).
 *
 * @param stackHome    the local stack's home ({@code .local-stack}), where the launcher wrote {@code run/}
 * @param rounds       rounds of every figure (medians are taken over them; at least 1, 3 by default)
 * @param sagaSeconds  seconds of sending per saga arrival rate (30 by default)
 * @param wrkSeconds   seconds of each wrk run (15, as the issue's {@code wrk -t2 -c50 -d15s})
 * @param warmUpSeconds seconds of unmeasured wrk load on each proxied path before the first round (JIT warm-up); the
 *                      saga is warmed up for three times as long at {@link Bench#SAGA_WARM_UP_RATE}/s
 * @param rates        saga arrival rates, requests per second
 * @param restartRate  arrival rate during the restart episode
 * @param restartSeconds seconds of the restart episode's load
 * @param floorSamples round trips per floor measurement
 * @param skip         parts not to run: gateway, saga, audit, restart, noisy, revocation
 * @param out          the results file (markdown)
 * @param note         free text for the report (machine load, who else ran what)
 * @param installed    packages bench/run.sh installed with apt-get for this run (reported), may be empty
 * @param noisySeconds seconds of Fabrikam's walk per phase (quiet, noisy) of the noisy-neighbour scenario
 * @param noisyFlood   what Contoso sends in its noisy phase
 * @param revocationGrants grants the revocation part ends per round, one settings change each (N; issue #8 asks
 *                      for at least 200)
 * @param quick        a short smoke run (figures not comparable)
 * @param command      the command line as given, for the report
 */
record Options(Path stackHome, int rounds, int sagaSeconds, int wrkSeconds, int warmUpSeconds, List<Double> rates,
               double restartRate, int restartSeconds, int floorSamples, Set<String> skip, Path out, String note,
               String installed, int noisySeconds, NoisyNeighbour.Flood noisyFlood, int revocationGrants, boolean quick,
               String command) {

    /**
     * The most grants a revocation round can end: Contoso's allowed list (≤ 500 entries) also holds its own
     * applications and the round's controls.
     */
    static final int MAX_REVOCATION_GRANTS = 490;

    static final String USAGE = """
            usage: bench/run.sh [--use-running] [--port-base N] [--quick] [--rounds N] [--duration S] [--wrk-duration S]
                                [--rates 50,200,500] [--skip gateway,saga,audit,restart,noisy,revocation] [--out FILE]
                                [--note TEXT] [--revocation-grants N]
              --quick          a smoke run: 1 round, 5 s per saga rate (20 and 50/s), 3 s wrk runs, 5 s noisy phases
              --rounds N       rounds per figure; medians over them (default 3)
              --duration S     seconds of sending per saga arrival rate (default 30)
              --wrk-duration S seconds per wrk run (default 15)
              --warm-up S      unmeasured wrk seconds per proxied path before round 1; the saga gets 3×S (default 20)
              --restart-seconds S  load of the kill -9 episode (default 90; kills at 1/4 and 1/2 of it)
              --noisy-seconds S    Fabrikam's measured walk per phase of the noisy-neighbour scenario (default 20)
              --noisy-flood A,P,S  Contoso's flood: API requests/s, /apps requests/s, audit streams (default 600,1000,50)
              --revocation-grants N  grants ended per round by one settings change each (default 200, --quick 20;
                                   at most 490)
            """;

    static Options parse(String[] args) {
        Path home = Path.of(".local-stack");
        boolean quick = Arrays.asList(args).contains("--quick");
        int rounds = quick ? 1 : 3;
        int saga = quick ? 5 : 30;
        int wrk = quick ? 3 : 15;
        int warmUp = quick ? 3 : 20;
        List<Double> rates = quick ? List.of(20.0, 50.0) : List.of(50.0, 200.0, 500.0);
        double restartRate = 20;
        // long enough for both kills to happen while requests still arrive (the second at half the duration)
        int restartSeconds = quick ? 40 : 90;
        int floorSamples = quick ? 300 : 2000;
        int noisySeconds = quick ? 5 : 20;
        NoisyNeighbour.Flood flood = new NoisyNeighbour.Flood(600, 1000, 50);
        int revocationGrants = quick ? 20 : 200;
        Set<String> skip = Set.of();
        Path out = null;
        String note = "";
        String installed = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> { }
                case "--stack-home" -> home = Path.of(args[++i]);
                case "--rounds" -> rounds = Math.max(1, Integer.parseInt(args[++i]));
                case "--duration" -> saga = Math.max(1, Integer.parseInt(args[++i]));
                case "--wrk-duration" -> wrk = Math.max(1, Integer.parseInt(args[++i]));
                case "--warm-up" -> warmUp = Math.max(0, Integer.parseInt(args[++i]));
                case "--rates" -> rates = parseRates(args[++i]);
                case "--restart-seconds" -> restartSeconds = Math.max(6, Integer.parseInt(args[++i]));
                case "--skip" -> skip = Set.of(args[++i].split(","));
                case "--out" -> out = Path.of(args[++i]);
                case "--note" -> note = args[++i];
                case "--installed" -> installed = args[++i];
                case "--noisy-seconds" -> noisySeconds = Math.max(1, Integer.parseInt(args[++i]));
                case "--noisy-flood" -> flood = NoisyNeighbour.Flood.parse(args[++i]);
                case "--revocation-grants" -> revocationGrants = parseRevocationGrants(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
            }
        }
        if (out == null) {
            out = Path.of("bench", "results", java.time.LocalDate.now(java.time.ZoneOffset.UTC) + (quick ? "-quick" : "") + ".md");
        }
        return new Options(home, rounds, saga, wrk, warmUp, rates, restartRate, restartSeconds, floorSamples, skip, out,
                note, installed, noisySeconds, flood, revocationGrants, quick, displayed(args));
    }

    /** The user's options as given to bench/run.sh (what run.sh adds itself left out), quoted where needed. */
    private static String displayed(String[] args) {
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--stack-home") || args[i].equals("--installed")) {
                i++;
                continue;
            }
            shown.add(args[i].contains(" ") ? "\"" + args[i] + "\"" : args[i]);
        }
        return String.join(" ", shown);
    }

    /** {@code "50,200,500"} → [50.0, 200.0, 500.0]. @throws IllegalArgumentException for a non-positive rate */
    static List<Double> parseRates(String text) {
        List<Double> rates = new ArrayList<>();
        for (String part : text.split(",")) {
            double rate = Double.parseDouble(part.trim());
            if (!(rate > 0)) {
                throw new IllegalArgumentException("rates must be positive: " + text);
            }
            rates.add(rate);
        }
        return List.copyOf(rates);
    }

    /** {@code "200"} → 200. @throws IllegalArgumentException outside 1..{@value #MAX_REVOCATION_GRANTS} */
    static int parseRevocationGrants(String text) {
        int grants;
        try {
            grants = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--revocation-grants takes a number: " + text);
        }
        if (grants < 1 || grants > MAX_REVOCATION_GRANTS) {
            throw new IllegalArgumentException("--revocation-grants must be 1.." + MAX_REVOCATION_GRANTS + ": " + text);
        }
        return grants;
    }

    boolean runs(String part) {
        return !skip.contains(part);
    }
}
