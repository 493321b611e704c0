"""The medcloud Pulumi program: `pulumi up` builds the region named by the stack config."""
