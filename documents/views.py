from django.views.generic import TemplateView

from documents.build import plan_document
from plans.views import PlanAccessMixin


class PlanPreviewView(PlanAccessMixin, TemplateView):
    """预览全文: the draft laid out as the document it will be printed as."""

    template_name = "documents/preview.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(doc=plan_document(self.plan), **kwargs)
