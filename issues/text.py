"""Text as people send it, made safe to keep and show: control characters (other than line
breaks and tabs) are dropped. A phone's keyboard never types one; a script or a bad paste does,
and they would otherwise reach SMS gateways, CSV exports and XML (Open311), where many are
invalid."""

import re

# C0 controls except \t and \n, DEL, and the C1 controls. \r is dropped: line breaks become \n.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(value: str) -> str:
    return CONTROL.sub("", value.replace("\r\n", "\n"))
