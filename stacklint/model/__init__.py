"""The deploy model: each service converted once per lint into the spec `docker stack deploy`
would send (docker/cli cli/compose/convert, moby daemon/cluster/convert), every value with the
YAML path it came from. Checks read `ctx.model` instead of re-parsing raw service data.
"""
from .image import ImageName, split_image
from .mounts import names_top_level_volume
from .ports import protocol, publish_mode
from .records import (CredentialSpec, EnvVar, ExtraHost, FileReference, GenericResource, Healthcheck, Logging, Mount,
                      NetworkAttachment, Placement, PortRange, Refused, ResourceSet, Resources, RestartPolicy, TopLevelObject,
                      Ulimit, UpdateConfig, Val)
from .service import Service, legacy_restart_policy
from .stack import DEFAULT_NAMESPACE, KINDS, Stack, is_external, swarm_name


def build_stack(data: dict, namespace=None, written=None) -> Stack:
    """The model of a stack from its interpolated data (cheap: parts convert on first use);
    written is the data before interpolation, for Stack.written."""
    return Stack(data, namespace, written)


__all__ = ["CredentialSpec", "EnvVar", "ExtraHost", "FileReference", "GenericResource", "Healthcheck", "ImageName",
           "Logging", "Mount", "NetworkAttachment", "Placement", "PortRange", "ResourceSet", "Resources",
           "Refused", "RestartPolicy", "Service", "Stack", "TopLevelObject", "Ulimit", "UpdateConfig", "Val", "KINDS",
           "DEFAULT_NAMESPACE", "build_stack", "is_external", "legacy_restart_policy", "names_top_level_volume",
           "protocol", "publish_mode", "split_image", "swarm_name"]
