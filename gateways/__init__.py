"""Real message gateways behind issues.notify's channel interface (settings.NOTIFY_CHANNELS):
Chinese SMS providers (Alibaba Cloud, Tencent Cloud) that send templates, and the staff group
robots of WeCom and DingTalk that tell a workstation's group about urgent reports and escalations.
"""
