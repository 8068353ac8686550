package io.autoround.autoscheme;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The knapsack meets the budget and finds the least loss (checked against exhaustive search) on random scores. */
class BudgetSolverTest {

    private static List<List<BudgetSolver.Choice>> random(Random r, int layers, long[] optionBitsPerWeight) {
        List<List<BudgetSolver.Choice>> items = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            long numel = 64L * (1 + r.nextInt(16));
            List<BudgetSolver.Choice> c = new ArrayList<>();
            double sens = r.nextDouble() * 10;
            for (long b : optionBitsPerWeight) {
                // fewer bits lose more, by a random layer sensitivity
                c.add(new BudgetSolver.Choice(b * numel + 16 * numel / 32, sens * Math.pow(2, -b) * (1 + r.nextDouble()), true));
            }
            items.add(c);
        }
        return items;
    }

    private static double bruteForce(List<List<BudgetSolver.Choice>> items, long budget) {
        int n = items.size();
        int k = items.get(0).size();
        double best = Double.POSITIVE_INFINITY;
        int[] pick = new int[n];
        for (long code = 0; code < Math.pow(k, n); code++) {
            long c = code;
            for (int i = 0; i < n; i++) {
                pick[i] = (int) (c % k);
                c /= k;
            }
            if (BudgetSolver.bits(items, pick) <= budget) {
                best = Math.min(best, BudgetSolver.loss(items, pick));
            }
        }
        return best;
    }

    @Test
    void exactOnSmallRandomInstances() {
        Random r = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            List<List<BudgetSolver.Choice>> items = random(r, 6, new long[] {2, 4, 8});
            long min = items.stream().mapToLong(c -> c.get(0).bits()).sum();
            long max = items.stream().mapToLong(c -> c.get(2).bits()).sum();
            long budget = min + (long) (r.nextDouble() * (max - min));
            int[] pick = BudgetSolver.solve(items, budget);
            assertTrue(BudgetSolver.bits(items, pick) <= budget);
            assertEquals(bruteForce(items, budget), BudgetSolver.loss(items, pick), 1e-9);
        }
    }

    @Test
    void meetsTheBudgetOnLargeRandomInstancesAndUsesMostOfIt() {
        Random r = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            List<List<BudgetSolver.Choice>> items = random(r, 120, new long[] {2, 4, 8});
            long numel = items.stream().mapToLong(c -> (c.get(0).bits() * 32) / (2 * 32 + 16)).sum();
            long budget = items.stream().mapToLong(c -> c.get(1).bits()).sum(); // "all 4-bit" can be afforded
            int[] pick = BudgetSolver.solve(items, budget);
            long used = BudgetSolver.bits(items, pick);
            assertTrue(used <= budget, used + " > " + budget);
            double all4 = items.stream().mapToDouble(c -> c.get(1).loss()).sum();
            assertTrue(BudgetSolver.loss(items, pick) <= all4 + 1e-9, "never worse than the uniform choice that fits");
            assertTrue(numel > 0);
        }
    }

    @Test
    void disallowedChoicesAreNeverPicked() {
        List<List<BudgetSolver.Choice>> items = List.of(
                List.of(new BudgetSolver.Choice(10, 5, true), new BudgetSolver.Choice(20, 0, false)),
                List.of(new BudgetSolver.Choice(10, 5, true), new BudgetSolver.Choice(20, 1, true)));
        assertArrayEquals(new int[] {0, 1}, BudgetSolver.solve(items, 100));
    }

    @Test
    void anImpossibleBudgetIsRefused() {
        List<List<BudgetSolver.Choice>> items = List.of(List.of(new BudgetSolver.Choice(10, 1, true)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BudgetSolver.solve(items, 9));
        assertTrue(e.getMessage().contains("Avg bits is too small"), e.getMessage());
    }
}
