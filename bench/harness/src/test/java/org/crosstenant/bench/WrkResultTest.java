package org.crosstenant.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WrkResultTest {

    private static final String OUTPUT = """
            Running 15s test @ http://127.0.0.1:8080/apps/contoso/bench-static/page
              2 threads and 50 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency    78.12ms   40.10ms 316.00ms   70.00%
                Req/Sec   321.50     40.20   410.00     68.00%
              Latency Distribution
                 50%   76.04ms
                 75%  100.20ms
                 90%  130.00ms
                 99%  253.10ms
              9623 requests in 15.02s, 5.10MB read
              Socket errors: connect 0, read 2, write 0, timeout 3
              Non-2xx or 3xx responses: 7
            Requests/sec:    640.71
            Transfer/sec:    347.00KB
            """;

    @Test
    void cpuPerRequestIsCpuTimeOverTheRequestsWrkCounted() {
        WrkResult result = WrkResult.parse(OUTPUT); // 9623 requests
        assertEquals(2.5e6 / 9623, Bench.microsPerRequest(2.5, result), 1e-9);
        assertEquals(Double.NaN, Bench.microsPerRequest(2.5, new WrkResult(0, 0, 0, 0, 0)));
    }

    @Test
    void readsRateLatenciesAndErrors() {
        WrkResult result = WrkResult.parse(OUTPUT);
        assertEquals(640.71, result.requestsPerSecond(), 1e-9);
        assertEquals(76.04, result.p50Millis(), 1e-9);
        assertEquals(253.10, result.p99Millis(), 1e-9);
        assertEquals(9623, result.requests());
        assertEquals(12, result.errors()); // 7 non-2xx + 2 read + 3 timeout
    }

    @Test
    void convertsEveryUnitToMilliseconds() {
        String output = OUTPUT.replace("76.04ms", "812.00us").replace("253.10ms", "1.50s");
        WrkResult result = WrkResult.parse(output);
        assertEquals(0.812, result.p50Millis(), 1e-9);
        assertEquals(1500.0, result.p99Millis(), 1e-9);
        assertEquals(90_000.0, WrkResult.toMillis(1.5, "m"), 1e-9);
    }

    @Test
    void cleanRunHasNoErrors() {
        String output = OUTPUT.replace("  Socket errors: connect 0, read 2, write 0, timeout 3\n", "")
                .replace("  Non-2xx or 3xx responses: 7\n", "");
        assertEquals(0, WrkResult.parse(output).errors());
    }

    @Test
    void noCompletedRequestMeansNoLatency() {
        String output = OUTPUT.replace("9623 requests in", "0 requests in").replace("76.04ms", "0.00us")
                .replace("253.10ms", "0.00us").replace("640.71", "0.00");
        WrkResult result = WrkResult.parse(output);
        assertEquals(0.0, result.requestsPerSecond(), 1e-9);
        assertEquals(true, Double.isNaN(result.p50Millis()));
        assertEquals(true, Double.isNaN(result.p99Millis()));
    }

    @Test
    void refusesOutputWithoutLatencyDistribution() {
        String withoutDistribution = OUTPUT.replaceAll("(?m)^\\s+\\d+%.*\\n", "");
        assertThrows(IllegalArgumentException.class, () -> WrkResult.parse(withoutDistribution));
        assertThrows(IllegalArgumentException.class, () -> WrkResult.parse("unable to connect to 127.0.0.1:8080"));
    }
}
