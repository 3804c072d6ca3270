from django.views.generic import TemplateView

from documents.preview import preview_document
from plans.views import PlanAccessMixin


class PlanPreviewView(PlanAccessMixin, TemplateView):
    """预览全文: the draft laid out as the document it will be printed as. The document comes
    from the shared cache while nothing it depends on changed (documents.preview)."""

    template_name = "documents/preview.html"

    def get_context_data(self, **kwargs):
        document, percent = preview_document(self.plan)
        return super().get_context_data(document=document, percent=percent, **kwargs)
