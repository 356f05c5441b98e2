from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupRobot(models.Model):
    """A workstation's staff group (企业微信 or 钉钉) that hears of urgent reports and escalations
    through the group's robot webhook. Set up in the admin by whoever runs the group."""

    class Provider(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")

    workstation = models.ForeignKey(
        "workstations.Workstation", on_delete=models.CASCADE, related_name="group_robots", verbose_name=_("workstation")
    )
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    name = models.CharField(_("group name"), max_length=100, blank=True)
    # WeCom: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…;
    # DingTalk: https://oapi.dingtalk.com/robot/send?access_token=…
    webhook_url = models.URLField(_("robot webhook URL"), max_length=500)
    # DingTalk's 加签 secret (SEC…); empty for WeCom, or a DingTalk robot secured by keywords or IPs.
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    urgent_reports = models.BooleanField(_("urgent reports"), default=True)
    escalations = models.BooleanField(_("escalations"), default=True)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")

    def __str__(self) -> str:
        return f"{self.workstation} · {self.get_provider_display()} {self.name}".strip()
