package io.autoround.autoscheme;

import io.autoround.model.arch.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns scores into a per-layer choice (reference-spec 4.4): layers are grouped (shared_layers, MoE experts), a
 * group's cost and loss are its members' sums, the budget is {@code floor(numel x target)} minus the pinned layers'
 * bits, lm_head prefers an option of at least 6 bits (relaxed when that cannot meet the budget), and
 * {@link BudgetSolver} finds the least total score within the budget.
 */
final class BudgetSelection {
    private final SearchSpace space;
    private final Map<String, double[]> scores;
    private final double target;
    private final List<List<String>> groups;

    BudgetSelection(SearchSpace space, Map<String, double[]> scores, double target, Function<String, String> blockOf,
            List<List<String>> sharedLayers) {
        this.space = space;
        this.scores = scores;
        this.target = target;
        List<String> names = space.candidates().stream().map(SearchSpace.Candidate::name).toList();
        this.groups = LayerGroups.of(names, sharedLayers, blockOf);
    }

    /** The option index chosen for each candidate, in candidate order. */
    int[] solve() {
        long budget = (long) Math.floor(space.totalNumel() * target) - space.fixedBits();
        List<List<BudgetSolver.Choice>> items = items(true);
        int[] groupPick;
        try {
            groupPick = BudgetSolver.solve(items, budget);
        } catch (IllegalArgumentException e) {
            groupPick = BudgetSolver.solve(items(false), budget); // the lm_head preference made it infeasible
        }
        Map<String, Integer> byLayer = LayerGroups.indexOf(groups);
        int[] pick = new int[space.candidates().size()];
        for (int i = 0; i < pick.length; i++) {
            pick[i] = groupPick[byLayer.get(space.candidates().get(i).name())];
        }
        return pick;
    }

    private List<List<BudgetSolver.Choice>> items(boolean headPreference) {
        Map<String, SearchSpace.Candidate> byName = new java.util.HashMap<>();
        space.candidates().forEach(c -> byName.put(c.name(), c));
        int n = space.options().size();
        List<List<BudgetSolver.Choice>> items = new ArrayList<>();
        for (List<String> g : groups) {
            long[] bits = new long[n];
            double[] loss = new double[n];
            int[] weightBits = new int[n];
            for (String layer : g) {
                SearchSpace.Candidate c = byName.get(layer);
                for (int o = 0; o < n; o++) {
                    bits[o] += c.bits()[o];
                    loss[o] += scores.get(layer)[o];
                    weightBits[o] = Math.max(weightBits[o], c.schemes().get(o).bits());
                }
            }
            boolean[] allowed = headPreference && g.contains(Architecture.LM_HEAD) ? headOptions(weightBits, loss)
                    : all(n);
            List<BudgetSolver.Choice> choices = new ArrayList<>();
            for (int o = 0; o < n; o++) {
                choices.add(new BudgetSolver.Choice(bits[o], loss[o], allowed[o]));
            }
            items.add(choices);
        }
        return items;
    }

    /** lm_head: options of >= 6 bits (only the highest above a 6-bit target), else the least-loss option. */
    private boolean[] headOptions(int[] weightBits, double[] loss) {
        int n = weightBits.length;
        boolean[] allowed = new boolean[n];
        int high = -1;
        int best = 0;
        for (int o = 0; o < n; o++) {
            allowed[o] = weightBits[o] >= 6;
            if (allowed[o] && (high < 0 || weightBits[o] > weightBits[high])) {
                high = o;
            }
            if (loss[o] < loss[best]) {
                best = o;
            }
        }
        if (high < 0) {
            allowed[best] = true;
        } else if (target > 6) {
            java.util.Arrays.fill(allowed, false);
            allowed[high] = true;
        }
        return allowed;
    }

    private static boolean[] all(int n) {
        boolean[] a = new boolean[n];
        java.util.Arrays.fill(a, true);
        return a;
    }
}
