package io.autoround.autoscheme;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Exact multiple-choice knapsack (the reference's {@code choose_bits_per_layer_with_path}, reference-spec 4.4):
 * items in order, state = bits used so far, keeping only Pareto-optimal states (less loss than every state using
 * fewer bits), so the answer is the minimum total loss within the budget.
 */
public final class BudgetSolver {
    private BudgetSolver() {
    }

    /** One option of an item: its cost in bits and its loss; {@code allowed=false} excludes it. */
    public record Choice(long bits, double loss, boolean allowed) {
    }

    private record State(long bits, double loss, int prev, int option) {
    }

    /**
     * Picks one allowed choice per item with total bits at most {@code budget} and the least total loss.
     *
     * @return the chosen option index per item
     * @throws IllegalArgumentException when even the cheapest assignment exceeds the budget
     */
    public static int[] solve(List<List<Choice>> items, long budget) {
        int n = items.size();
        long[] minRest = new long[n + 1];
        for (int i = n - 1; i >= 0; i--) {
            long min = items.get(i).stream().filter(Choice::allowed).mapToLong(Choice::bits).min()
                    .orElseThrow(() -> new IllegalArgumentException("an item has no allowed option"));
            minRest[i] = minRest[i + 1] + min;
        }
        if (minRest[0] > budget) {
            throw new IllegalArgumentException("Avg bits is too small: the cheapest assignment needs " + minRest[0]
                    + " bits, the budget is " + budget);
        }
        List<State[]> layers = new ArrayList<>();
        State[] current = {new State(0, 0, -1, -1)};
        for (int i = 0; i < n; i++) {
            List<State> next = new ArrayList<>();
            List<Choice> options = items.get(i);
            for (int s = 0; s < current.length; s++) {
                for (int o = 0; o < options.size(); o++) {
                    Choice c = options.get(o);
                    long bits = current[s].bits + c.bits();
                    // a state that cannot fit the cheapest rest is dead: drop it now
                    if (!c.allowed() || bits + minRest[i + 1] > budget) {
                        continue;
                    }
                    next.add(new State(bits, current[s].loss + c.loss(), s, o));
                }
            }
            next.sort(Comparator.comparingLong(State::bits).thenComparingDouble(State::loss));
            List<State> front = new ArrayList<>();
            double best = Double.POSITIVE_INFINITY;
            for (State st : next) {
                if (st.loss < best) {
                    front.add(st);
                    best = st.loss;
                }
            }
            current = front.toArray(State[]::new);
            layers.add(current);
        }
        // the front's last state has the least loss
        int idx = current.length - 1;
        int[] pick = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            State st = layers.get(i)[idx];
            pick[i] = st.option;
            idx = st.prev;
        }
        return pick;
    }

    /** Total bits of a pick. */
    public static long bits(List<List<Choice>> items, int[] pick) {
        long t = 0;
        for (int i = 0; i < pick.length; i++) {
            t += items.get(i).get(pick[i]).bits();
        }
        return t;
    }

    /** Total loss of a pick. */
    public static double loss(List<List<Choice>> items, int[] pick) {
        return java.util.stream.IntStream.range(0, pick.length)
                .mapToDouble(i -> items.get(i).get(pick[i]).loss()).sum();
    }
}
