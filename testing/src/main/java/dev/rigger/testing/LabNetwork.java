package dev.rigger.testing;

import com.github.dockerjava.api.DockerClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.testcontainers.containers.Network;

/**
 * The lab's private network: a /24 with fixed addresses, so hosts keep their address across a
 * stop/start and tests can hand out virtual IPs. The subnet is drawn at random from 10.213.0.0/16
 * and drawn again if it overlaps a network that already exists (another lab running at the same time).
 */
final class LabNetwork {
    static final String LABEL = "dev.rigger.lab.network";
    private static final String LABEL_PID = "dev.rigger.lab.network.pid";

    record Created(Network network, String prefix) {}

    private LabNetwork() {}

    /**
     * @param detachedDir the folder of a detached lab (labelled instead of this JVM's pid, so the
     *                    network is never taken for a leftover), or null
     */
    static Created create(String labId, String detachedDir) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            int third = ThreadLocalRandom.current().nextInt(1, 255);
            String prefix = "10.213." + third + ".";
            Network network = Network.builder()
                    .createNetworkCmdModifier(cmd -> cmd
                            .withName("rigger-lab-" + labId)
                            .withLabels(detachedDir == null ? Map.of(LABEL, labId, LABEL_PID, Long.toString(ProcessHandle.current().pid()))
                                    : Map.of(LABEL, labId, Lab.LABEL_DETACHED, detachedDir))
                            .withIpam(new com.github.dockerjava.api.model.Network.Ipam().withConfig(
                                    new com.github.dockerjava.api.model.Network.Ipam.Config()
                                            .withSubnet(prefix + "0/24")
                                            .withGateway(prefix + "1"))))
                    .build();
            try {
                network.getId(); // the network is created lazily; force it now to see an overlap here
                return new Created(network, prefix);
            } catch (RuntimeException e) {
                last = e;
                try {
                    network.close();
                } catch (RuntimeException ignored) {
                    // It was never created: nothing to remove.
                }
            }
        }
        throw new IllegalStateException("could not create a lab network in 10.213.0.0/16", last);
    }

    /**
     * Removes lab networks left by a JVM that died, once no container uses them. Networks of live
     * JVMs are never touched: another lab may be about to attach its first container.
     */
    static void removeUnused(DockerClient docker) {
        List<com.github.dockerjava.api.model.Network> labNetworks = docker.listNetworksCmd()
                .withFilter("label", List.of(LABEL)).exec();
        for (var n : labNetworks) {
            String pid = n.getLabels() == null ? null : n.getLabels().get(LABEL_PID);
            if (pid == null || ProcessHandle.of(Long.parseLong(pid)).isPresent()) continue;
            var inspected = docker.inspectNetworkCmd().withNetworkId(n.getId()).exec();
            if (inspected.getContainers() == null || inspected.getContainers().isEmpty()) {
                try {
                    docker.removeNetworkCmd(n.getId()).exec();
                } catch (RuntimeException e) {
                    // Another lab may have just attached a container: leave it.
                }
            }
        }
    }
}
