from rest_framework import pagination

# Object ids in URLs: digits that fit a 64-bit column. Anything else is the API's JSON 404.
ID_PATTERN = r"[0-9]{1,18}"


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
