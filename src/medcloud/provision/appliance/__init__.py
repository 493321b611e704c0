"""IPsec appliances: SM-suite tunnels (GM/T 0022) rendered from the region model and diffed
against running configurations (R-NET-04, R-SEC-01).

Neutron VPNaaS cannot negotiate SM4/SM3, so an OpenStack centre's SM-suite
links end on its domestic firewall / VPN appliance.  :mod:`.intent` derives
what each appliance must hold (tunnels, ACLs, routes) from the model, the
address plan and the peers' addresses; one template folder per vendor
family renders it (``templates/<vendor>/config.j2``); the switch
configuration parser and differ compare it with a saved running
configuration.
"""
