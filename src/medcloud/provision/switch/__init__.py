"""Switch configurations: intent from the model, rendering per vendor family, parsing and diff.

``intent`` builds a vendor-neutral :class:`~medcloud.provision.switch.intent.SwitchIntent`
from the region and the inventory; ``render`` turns it into Huawei CloudEngine
(VRP) or H3C Comware 7 text with one jinja2 template set per family;
``parser`` reads both vendors' indentation-based configurations into a tree;
``diff`` compares intended and running trees section by section.
"""
