package io.autoround.infer;

import java.util.List;
import java.util.Optional;

/**
 * The backend chosen for one layer, with the reasons other candidates were passed over and, when a better backend
 * exists but cannot run here, what to install.
 *
 * @param backend the chosen backend
 * @param request the layer it serves
 * @param rejected one line per candidate not chosen, e.g. {@code packed-cpu: data type mx_fp not in [int]}
 * @param betterIfInstalled an install hint for a higher-priority backend that fits but is not available
 */
public record BackendSelection(InferenceBackend backend, LayerRequest request, List<String> rejected,
        Optional<String> betterIfInstalled) {

    /** One paragraph explaining the choice. */
    public String explain() {
        StringBuilder sb = new StringBuilder();
        sb.append(request.describeScheme()).append(" -> ").append(backend.name())
                .append(" (priority ").append(backend.capabilities().priority()).append(')');
        for (String r : rejected) {
            sb.append("\n    not ").append(r);
        }
        betterIfInstalled.ifPresent(h -> sb.append("\n    hint: ").append(h));
        return sb.toString();
    }
}
