// Kafka's own Admin client, for what aiokafka 0.14 cannot do: SCRAM credentials
// (AlterUserScramCredentials, KIP-554) and ACLs. Compiled once by the launcher
// (vault/infra/kafka_admin.py) and run on the broker's classpath.
//
// Input (stdin): one JSON document
//   {"bootstrap": "...", "client": {<Kafka client properties>}, "steps": [...]}
// where each step is one of
//   {"op": "upsert_scram", "user": U, "password": P, "iterations": N}
//   {"op": "delete_scram", "user": U}
//   {"op": "sync_acls", "principal": "User:U", "bindings": [
//       {"resource_type": "TOPIC", "name": N, "pattern": "LITERAL", "operation": "READ"}]}
//   {"op": "create_topics", "topics": [{"name": N, "partitions": 3, "replicas": 1,
//       "configs": {...}}]}
// Output (stdout): one JSON document {"ok": true, "steps": [...]} or
// {"ok": false, "error": "..."}; exit code 0 or 1.

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

public final class VaultKafkaAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_S = 30;

    public static void main(String[] args) throws Exception {
        JsonNode input = JSON.readTree(System.in);
        ObjectNode out = JSON.createObjectNode();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, input.get("bootstrap").asText());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        Iterator<Map.Entry<String, JsonNode>> client = input.get("client").properties().iterator();
        while (client.hasNext()) {
            Map.Entry<String, JsonNode> e = client.next();
            props.put(e.getKey(), e.getValue().asText());
        }
        int code = 0;
        try (Admin admin = Admin.create(props)) {
            ArrayNode results = out.putArray("steps");
            for (JsonNode step : input.get("steps")) {
                results.add(run(admin, step));
            }
            out.put("ok", true);
        } catch (ExecutionException e) {
            out.put("ok", false);
            out.put("error", e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage());
            code = 1;
        } catch (Exception e) {
            out.put("ok", false);
            out.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
            code = 1;
        }
        System.out.println(JSON.writeValueAsString(out));
        System.out.flush();
        System.exit(code);
    }

    private static ObjectNode run(Admin admin, JsonNode step) throws Exception {
        String op = step.get("op").asText();
        ObjectNode result = JSON.createObjectNode();
        result.put("op", op);
        switch (op) {
            case "upsert_scram" -> {
                UserScramCredentialAlteration upsert = new UserScramCredentialUpsertion(
                        step.get("user").asText(),
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512,
                                step.path("iterations").asInt(8192)),
                        step.get("password").asText());
                admin.alterUserScramCredentials(List.of(upsert)).all().get(TIMEOUT_S, TimeUnit.SECONDS);
            }
            case "delete_scram" -> {
                UserScramCredentialAlteration delete = new UserScramCredentialDeletion(
                        step.get("user").asText(), ScramMechanism.SCRAM_SHA_512);
                try {
                    admin.alterUserScramCredentials(List.of(delete)).all().get(TIMEOUT_S, TimeUnit.SECONDS);
                    result.put("deleted", true);
                } catch (ExecutionException e) {
                    // Deleting what is not there is done: removal is safe to repeat.
                    if (!(e.getCause() instanceof ResourceNotFoundException)) {
                        throw e;
                    }
                    result.put("deleted", false);
                }
            }
            case "sync_acls" -> syncAcls(admin, step, result);
            case "create_topics" -> createTopics(admin, step, result);
            default -> throw new IllegalArgumentException("unknown op " + op);
        }
        return result;
    }

    /** Make the principal's ACLs exactly ``bindings``: add the missing, delete the rest. */
    private static void syncAcls(Admin admin, JsonNode step, ObjectNode result) throws Exception {
        String principal = step.get("principal").asText();
        Set<AclBinding> wanted = new HashSet<>();
        for (JsonNode b : step.get("bindings")) {
            ResourcePattern pattern = new ResourcePattern(
                    ResourceType.valueOf(b.get("resource_type").asText()),
                    b.get("name").asText(),
                    PatternType.valueOf(b.path("pattern").asText("LITERAL")));
            AccessControlEntry entry = new AccessControlEntry(principal, "*",
                    AclOperation.valueOf(b.get("operation").asText()), AclPermissionType.ALLOW);
            wanted.add(new AclBinding(pattern, entry));
        }
        AclBindingFilter mine = new AclBindingFilter(ResourcePatternFilter.ANY,
                new AccessControlEntryFilter(principal, null, AclOperation.ANY, AclPermissionType.ANY));
        Set<AclBinding> existing = new HashSet<>(
                admin.describeAcls(mine).values().get(TIMEOUT_S, TimeUnit.SECONDS));
        List<AclBindingFilter> stale = new ArrayList<>();
        for (AclBinding binding : existing) {
            if (!wanted.contains(binding)) {
                stale.add(binding.toFilter());
            }
        }
        List<AclBinding> missing = new ArrayList<>();
        for (AclBinding binding : wanted) {
            if (!existing.contains(binding)) {
                missing.add(binding);
            }
        }
        if (!stale.isEmpty()) {
            admin.deleteAcls(stale).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        }
        if (!missing.isEmpty()) {
            admin.createAcls(missing).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        }
        result.put("principal", principal);
        result.put("created", missing.size());
        result.put("deleted", stale.size());
    }

    private static void createTopics(Admin admin, JsonNode step, ObjectNode result) throws Exception {
        Set<String> present = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (JsonNode t : step.get("topics")) {
            String name = t.get("name").asText();
            if (present.contains(name)) {
                continue;
            }
            NewTopic topic = new NewTopic(name, t.get("partitions").asInt(), (short) t.get("replicas").asInt());
            Map<String, String> configs = new HashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = t.path("configs").properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                configs.put(e.getKey(), e.getValue().asText());
            }
            missing.add(topic.configs(configs));
        }
        int created = 0;
        for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> f :
                admin.createTopics(missing).values().entrySet()) {
            try {
                f.getValue().get(TIMEOUT_S, TimeUnit.SECONDS);
                created++;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        result.put("created", created);
    }
}
