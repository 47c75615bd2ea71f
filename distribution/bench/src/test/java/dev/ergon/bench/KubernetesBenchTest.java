package dev.ergon.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes benchmark at a small size, so its code cannot rot: both views, every phase, the
 * report. Asserts counts only (what reached the fake API server, how the tasks ended), never
 * timings.
 */
class KubernetesBenchTest {
    @Test
    void fiftyTasksInBothViewsEndCompleteWithTwoWritesEachAndCancelsDeleteTheirJobs() throws Exception {
        List<String[]> rows = new ArrayList<>();
        KubernetesBench bench = new KubernetesBench(
                50, 20, 10, 4, Duration.ofMillis(200), Duration.ofMinutes(3), (k, cols) -> rows.add(cols));

        List<KubernetesBench.Result> results = bench.run();

        assertEquals(2, results.size());
        for (KubernetesBench.Result r : results) {
            String what = r.view() + ": " + r;
            assertEquals(List.of(), r.problems(), what);
            assertEquals(Map.of(Phase.COMPLETE, 50), r.ends(), what);
            assertEquals(50, r.completed(), what);
            // one create and one cleanup delete per task, nothing else
            assertEquals(50, r.runRequests().posts(), what);
            assertEquals(50, r.runRequests().deletes(), what);
            assertEquals(0, r.runRequests().puts() + r.runRequests().patches(), what);
            assertTrue(r.writesPerTask() <= 3, what);
            // one log read per executor (log-streams=combined)
            assertEquals(50, r.runRequests().logs(), what);
            // cancel: the create, then one foreground delete; cleanup adds nothing
            assertEquals(10, r.canceled(), what);
            assertEquals(10, r.cancelRequests().posts(), what);
            assertEquals(10, r.cancelRequests().deletes(), what);
            assertTrue(r.writesPerCanceledTask() <= 3, what);
        }
        assertEquals("watch", results.get(0).view());
        assertTrue(results.get(1).view().startsWith("poll"), results.get(1).view());
        assertEquals(0, results.get(1).runRequests().watches(), "polling only: no watch at all");
        assertEquals(4, rows.size(), "the report's rows");
        rows.forEach(r -> assertEquals(5, r.length, String.join(" | ", r)));
    }
}
