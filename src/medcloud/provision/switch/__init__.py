"""Switch configurations: intent from the model, rendering per vendor driver, parsing and diff.

``intent`` builds a vendor-neutral :class:`~medcloud.provision.switch.intent.SwitchIntent`
from the region and the inventory; ``render`` turns it into device text with the
template of its driver (``drivers/<name>/``: Huawei CloudEngine VRP, H3C Comware 7),
whose ``driver.yaml`` also says which switches it renders, which command families it
owns, how the device stores secrets and how to read a configuration back;
``parser`` reads the indentation-based configurations into a tree;
``diff`` compares intended and running trees section by section.
"""
