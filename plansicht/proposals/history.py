"""How the proposals' history events read: actions and change keys, registered in
``ready()``."""

from django.utils.translation import gettext_lazy as _

from plansicht.history import registry
from plansicht.history.registry import PARTICIPATION, Key, as_date, yes_no


def register():
    registry.register(
        "proposals",
        actions={
            "proposal.received": (_("Proposal received"), PARTICIPATION),
            "proposal.supported": (_("Proposal supported"), PARTICIPATION),
            "proposal.support_withdrawn": (_("Support withdrawn"), PARTICIPATION),
            "proposal.decided": (_("Proposal status changed"), PARTICIPATION),
            "proposal.extended": (_("Due date extended"), PARTICIPATION),
            "proposal.hidden": (_("Hidden by the moderation"), PARTICIPATION),
            "programme.proposal_settings": (_("Proposal settings changed"), PARTICIPATION),
        },
        keys={
            "received": Key(_("received"), as_date),
            "due": Key(_("due"), as_date),
            "to": Key(_("extended to"), as_date),
            "hidden": Key(_("hidden"), yes_no),
            "status": Key(_("status")),
            "link": Key(_("taken up by")),
            "supports": Key(_("supports")),
            "threshold_reached": Key(_("threshold reached"), as_date),
            "proposal_threshold": Key(_("supports a proposal needs to be decided")),
            "proposal_labels": Key(_("words for the statuses of proposals")),
        },
    )
