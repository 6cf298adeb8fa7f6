package dev.feed.perf.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fault window accounting on synthetic request spans (seconds since the run started). */
class FaultWindowsTest {
    /** Killed at 10 s, started again at 18 s, cluster whole at 20 s; grace 5 s, so the window is [10, 25]. */
    private static final Faults.Fault KAFKA = new Faults.Fault("kafka", "kafka-2", "leader", 10, 18, 20);
    private static final FaultWindows WINDOWS = new FaultWindows(5);

    private static Outcomes.Sample req(String op, int status, double start, double end) {
        return new Outcomes.Sample(op, status, start, end);
    }

    @Test
    void failureDuringTheFault_isTheFaults_notOutside() {
        var a = WINDOWS.account(List.of(KAFKA), List.of(req("publish", 503, 12.0, 12.1)));

        assertThat(a.outside()).isEmpty();
        assertThat(a.perFault().get(0).unavailable()).isEqualTo(1);
    }

    @Test
    void failureWithinTheGraceAfterRecovery_isStillTheFaults() {
        var a = WINDOWS.account(List.of(KAFKA), List.of(req("timeline", 500, 24.0, 24.2)));

        assertThat(a.outside()).isEmpty();
    }

    @Test
    void failureAfterTheGrace_isOutsideEveryWindow() {
        var a = WINDOWS.account(List.of(KAFKA), List.of(req("timeline", 500, 26.0, 26.1), req("follow", -1, 30.0, 40.0)));

        assertThat(a.outside()).hasSize(2);
        assertThat(a.outsideByOutcome()).containsEntry("timeline 500", 1).containsEntry("follow timeout", 1);
        assertThat(a.perFault().get(0).unavailable()).isZero();
    }

    @Test
    void failureBeforeTheFirstFault_isOutside() {
        var a = WINDOWS.account(List.of(KAFKA), List.of(req("profile", 502, 1.0, 1.1)));

        assertThat(a.outside()).extracting(Outcomes.Sample::op).containsExactly("profile");
    }

    @Test
    void timeoutSentBeforeTheKill_andEndingInTheWindow_isTheFaults() {
        var a = WINDOWS.account(List.of(KAFKA), List.of(req("publish", -1, 5.0, 15.0)));

        assertThat(a.outside()).isEmpty();
        assertThat(a.perFault().get(0).unavailableSeconds()).isEqualTo(6);
    }

    @Test
    void rejectionsAndClientErrors_areNotUnavailability() {
        var a = WINDOWS.account(List.of(KAFKA), List.of(req("publish", 429, 40.0, 40.1), req("delete", 404, 41.0, 41.1)));

        assertThat(a.outside()).isEmpty();
    }

    @Test
    void unavailableSeconds_countEachSecondTouchedByAFailedFlightOnce() {
        List<Outcomes.Sample> s = List.of(req("publish", 503, 10.2, 10.3), req("publish", 503, 10.7, 10.8), // second 10
                req("timeline", -1, 12.5, 14.5), // seconds 12, 13, 14
                req("timeline", 200, 16.0, 16.1), // ok: no second
                req("follow", -2, 14.8, 14.9)); // second 14 again

        var cost = WINDOWS.account(List.of(KAFKA), s).perFault().get(0);

        assertThat(cost.unavailableSeconds()).isEqualTo(4);
        assertThat(cost.requests()).isEqualTo(5);
        assertThat(cost.unavailable()).isEqualTo(4);
    }

    @Test
    void eachFaultIsCostedInItsOwnWindow() {
        Faults.Fault redis = new Faults.Fault("redis", "redis-1", "master", 40, 45, 50);
        List<Outcomes.Sample> s = List.of(req("publish", 503, 11.0, 11.1), req("timeline", 500, 41.0, 41.1), req("timeline", 500, 42.0, 42.1));

        var a = WINDOWS.account(List.of(KAFKA, redis), s);

        assertThat(a.perFault()).extracting(FaultWindows.Cost::unavailableSeconds).containsExactly(1, 2);
        assertThat(a.outside()).isEmpty();
    }

    @Test
    void p99_isOverTheRequestsSentInTheWindow() {
        List<Outcomes.Sample> s = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            s.add(req("timeline", 200, 11.0, 11.010));
        }
        for (int i = 0; i < 10; i++) {
            s.add(req("timeline", 200, 12.0, 12.500));
        }
        s.add(req("timeline", 200, 2.0, 9.0)); // sent before the kill: not in the fault's p99

        var cost = WINDOWS.account(List.of(KAFKA), s).perFault().get(0);

        assertThat(cost.p99Ms()).isCloseTo(500, within(1.0));
        assertThat(cost.requests()).isEqualTo(100);
    }
}
