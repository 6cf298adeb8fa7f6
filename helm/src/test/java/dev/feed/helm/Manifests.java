package dev.feed.helm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The documents of a `helm template` output, parsed, with the look-ups the chart tests need. */
final class Manifests {
    private final List<Map<String, Object>> docs;

    private Manifests(List<Map<String, Object>> docs) {
        this.docs = docs;
    }

    @SuppressWarnings("unchecked")
    static Manifests parse(String rendered) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(rendered)) {
            if (doc instanceof Map) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return new Manifests(docs);
    }

    List<Map<String, Object>> all() {
        return docs;
    }

    List<Map<String, Object>> ofKind(String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).collect(Collectors.toList());
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).stream().filter(d -> name.equals(str(d, "metadata", "name"))).findFirst();
    }

    Map<String, Object> get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " named " + name + "; have: "
                + docs.stream().map(d -> d.get("kind") + "/" + str(d, "metadata", "name")).collect(Collectors.toList())));
    }

    /** The workload (Deployment or StatefulSet) of a component. */
    Map<String, Object> workload(String name) {
        return find("Deployment", name).or(() -> find("StatefulSet", name))
                .orElseThrow(() -> new AssertionError("no Deployment or StatefulSet named " + name));
    }

    // --- navigation in parsed YAML ---------------------------------------------------------------

    @SuppressWarnings("unchecked")
    static Object at(Object node, Object... path) {
        Object cur = node;
        for (Object step : path) {
            if (cur == null) {
                return null;
            }
            if (step instanceof Integer) {
                List<Object> list = (List<Object>) cur;
                int i = (Integer) step;
                cur = i < list.size() ? list.get(i) : null;
            } else {
                cur = ((Map<String, Object>) cur).get((String) step);
            }
        }
        return cur;
    }

    static String str(Object node, Object... path) {
        Object v = at(node, path);
        return v == null ? null : v.toString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, Object... path) {
        Object v = at(node, path);
        if (!(v instanceof Map)) {
            throw new AssertionError("not a map at " + List.of(path) + ": " + v);
        }
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object node, Object... path) {
        Object v = at(node, path);
        return v == null ? List.of() : (List<Map<String, Object>>) v;
    }

    /** The single container of a workload's pod template. */
    static Map<String, Object> container(Map<String, Object> workload) {
        List<Map<String, Object>> containers = list(workload, "spec", "template", "spec", "containers");
        if (containers.size() != 1) {
            throw new AssertionError("expected one container, got " + containers.size());
        }
        return containers.get(0);
    }

    /** A container's env entry by name. */
    static Map<String, Object> env(Map<String, Object> container, String name) {
        return list(container, "env").stream().filter(e -> name.equals(e.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name + " in container " + container.get("name")));
    }

    static List<String> envNames(Map<String, Object> container) {
        return list(container, "env").stream().map(e -> (String) e.get("name")).collect(Collectors.toList());
    }
}
