package dev.rigger.testing;

import com.github.dockerjava.api.command.InspectContainerResponse;
import java.util.List;
import org.testcontainers.containers.ContainerState;

/**
 * A host of a detached lab, found again by its container id in a later JVM ({@link Lab#attach}).
 * Testcontainers' exec and copy helpers work on it as on a container this JVM started; every call
 * inspects the container afresh, so a host stopped in between is seen as stopped.
 */
record AttachedContainer(String id) implements ContainerState {
    @Override
    public String getContainerId() {
        return id;
    }

    @Override
    public InspectContainerResponse getContainerInfo() {
        return getDockerClient().inspectContainerCmd(id).exec();
    }

    @Override
    public List<Integer> getExposedPorts() {
        return List.of();
    }
}
